// ikehub-ike: the IKE frontend (DESIGN §1).
import IKEFrontend

await FrontendDaemon.main()
