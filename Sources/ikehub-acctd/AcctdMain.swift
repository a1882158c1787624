// ikehub-acctd: the accounting daemon (Accounting library).
import Accounting

@main
enum AcctdMain {
    static func main() async {
        await AccountingServiceCommand.main(nil)
    }
}
