// ikehub-tunneld: the tunnel manager (TunnelManager library).
import TunnelManager

@main
enum TunneldMain {
    static func main() async {
        await TunnelManagerCommand.main(nil)
    }
}
