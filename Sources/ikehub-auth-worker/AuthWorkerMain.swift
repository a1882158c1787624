// ikehub-auth-worker: an auth worker (AuthWorker library).
import AuthWorker

@main
enum AuthWorkerMain {
    static func main() async {
        await AuthWorkerCommand.main(nil)
    }
}
