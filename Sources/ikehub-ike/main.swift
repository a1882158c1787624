// ikehub-ike: the daemon frame over IPC (its protocol library comes with its own issue).
import HubDaemon

await ProcessShell.main(name: "ikehub-ike")
