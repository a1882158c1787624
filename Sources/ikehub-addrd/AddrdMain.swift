// ikehub-addrd: the address manager (AddressManager library).
import AddressManager

@main
enum AddrdMain {
    static func main() async {
        await AddressServiceCommand.main(nil)
    }
}
