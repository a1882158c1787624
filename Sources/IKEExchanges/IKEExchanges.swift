/// IKEExchanges: the sans-I/O IKEv2 responder of the IKE frontend (DESIGN §2, §4; STYLE
/// §1–§4). It opens no socket, sends no IPC and reads no clock: ``IKESATable`` takes
/// inputs (datagrams, results of asynchronous work, timers) and returns ``IKEEffect``s.
///
/// # Files
/// - `Exchanges/`: one file per exchange and role — ``IKESAInitResponder``,
///   `IKEAuthResponder`, `ConfigurationReply`, `CreateChildSAResponder` (with
///   `ChildRekeyResponder`), `IKERekeyResponder`, `ChildRekeyInitiator`,
///   `IKERekeyInitiator`, `DeleteExchange`, `LivenessCheck`.
/// - `State/`: `IKESAPhase` (one struct per state, capability protocols), `IKESA`
///   (transition helper, sending, timers, teardown) and its receive path.
/// - `Protection/`: SK/SKF sealing and opening with fragmentation, NAT detection, cookies.
/// - `Selection/`: proposal selection and traffic selector narrowing.
/// - `Engine/`: the table, `show` snapshots, checkpoints.
///
/// # Secrets
/// The engine holds the IKE SA keys (SK_*) and nothing else: PSKs, private keys and MSKs
/// stay in the auth broker, which gets ``AuthRequest`` (the complete signed octets) and
/// answers with our AUTH payload. ESP keys pass through in ``ChildSAInstallation``.
public enum IKEExchanges {}
