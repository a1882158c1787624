/// IKEExchanges: the sans-I/O IKEv2 responder of the IKE frontend (DESIGN §2, §4; STYLE
/// §1–§4). It opens no socket, sends no IPC and reads no clock: ``IKESATable`` takes
/// inputs (datagrams, results of asynchronous work, timers) and returns ``IKEEffect``s in
/// the order to carry them out.
///
/// # Driving it (the frontend)
/// ```swift
/// var table = IKESATable(configuration: config)                 // ResponderConfiguration
/// // UDP 500/4500 (non-ESP marker removed by UDPDatagramClassifier):
/// run(table.handle(datagram: InboundDatagram(bytes: ike, remote: from, local: to), at: now))
/// // answers of the other processes, keyed by the effect's SessionID:
/// run(table.handle(authResult: r, session: id, at: now))              // after .authenticate
/// run(table.handle(authorizationResult: r, session: id, at: now))     // after .authorize
/// run(table.handle(addressResult: r, session: id, at: now))           // after .allocateAddress
/// run(table.handle(virtualAccessResult: r, session: id, at: now))     // after .createVirtualAccess
/// run(table.handle(childSAInstallResult: r, session: id, inboundSPI: spi, at: now)) // .installChildSA
/// run(table.handle(timer: t, at: now))                                // a .setTimer came due
/// table.notePeerActivity(session: id, at: now)                        // tunneld saw ESP (DPD)
/// run(table.deleteSession(id, at: now))                               // clear crypto session
/// table.snapshot(at: now)                                             // show crypto ikev2 sa
/// try table.restore(from: checkpoint, at: now)                        // after a restart
/// ```
/// `run` sends `.send` datagrams (prefixing the non-ESP marker when `needsNonESPMarker`),
/// forwards requests to the broker / addrd / tunneld / acctd, keeps a timer heap for
/// `.setTimer` (stale timers are ignored by the engine, so nothing is ever cancelled), logs
/// `.protocolError`, and persists `.checkpoint` values (the latest per session; drop it at
/// `.deleteSession`). Teardown effects (`.deleteChildSA`, `.deleteVirtualAccess`,
/// `.releaseAddress`, `.accountingStop`) always precede the final `.deleteSession`.
///
/// # What goes to the auth broker
/// ``AuthRequest`` carries the complete signed octets of both sides (RFC 7296 §2.15):
/// RealMessage1 ‖ Nr ‖ prf(SK_pi, IDi') and RealMessage2 ‖ Ni ‖ prf(SK_pr, IDr'), computed
/// here because SK_p are IKE SA keys the frontend holds anyway, plus the IDs, the PRF, the
/// peer's AUTH payload (and CERTs). The broker returns our AUTH payload or a rejection; the
/// PSK (later private keys and MSKs) never enters this process.
///
/// # Files
/// - `Exchanges/`: one file per exchange and role — `IKESAInitResponder`, `IKEAuthResponder`,
///   `ConfigurationReply`, `CreateChildSAResponder` (the task list), `ChildRekeyResponder`,
///   `ChildRekeyInitiator`, `IKERekeyResponder`, `IKERekeyInitiator`, `DeleteExchange`,
///   `LivenessCheck`.
/// - `State/`: `IKESAPhase` (one struct per state, capability protocols), `IKESA`
///   (transition helper, sending, timers, teardown) and its receive path (window, dispatch).
/// - `Protection/`: SK/SKF sealing and opening with fragmentation, NAT detection, cookies.
/// - `Selection/`: proposal selection and traffic selector narrowing.
/// - `Engine/`: the table, `show` snapshots, checkpoints.
///
/// # Decisions
/// - Proposal selection: the first configured proposal the peer also offers (IOS); its
///   group decides INVALID_KE_PAYLOAD. Within a proposal our transform order wins.
/// - Half-open and total SA limits drop IKE_SA_INIT unanswered (answering a flood feeds it);
///   above the cookie threshold a COOKIE is required.
/// - A failure after AUTH verified (address, proposal, TS, installation) answers
///   `IDr, AUTH, N(error)`, releases everything and deletes the IKE SA with our own Delete.
/// - CHILD_SA proposal and TS are checked before anything is allocated where possible;
///   additional CHILD_SAs (not rekeys) are refused with NO_ADDITIONAL_SAS.
/// - Window size 1 in both directions (RFC 7296 §2.3 default).
public enum IKEExchanges {}
