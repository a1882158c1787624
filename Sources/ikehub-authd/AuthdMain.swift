// ikehub-authd: the auth broker (AuthBroker library).
import AuthBroker

@main
enum AuthdMain {
    static func main() async {
        await AuthBrokerCommand.main(nil)
    }
}
