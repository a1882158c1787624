// ikehub-addrd: the address manager (AddressManager library).
import AddressManager

await AddressServiceCommand.main(nil)
