// Fuzz target for the configuration parser. Top-level code on purpose: SwiftPM links
// executables with --defsym main=<Module>_main, and -parse-as-library breaks that.
// Without -DIKEHUB_FUZZING it replays the files named on the command line through the
// same function: a parse error is a normal outcome (exit 0), only a crash fails.
import CFuzzerDriver
import FlexConfig
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)
    let result = FlexConfig.load(text: text, file: "fuzz.cfg")
    // Printing and re-reading exercises the printer on whatever the builder accepted.
    let shown = FlexConfig.show(result.configuration)
    _ = FlexConfig.load(text: shown, file: "fuzz-shown.cfg")
    return 0
}

#if IKEHUB_FUZZING
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzOne($0, $1) }))
#else
var replayed = 0
for path in CommandLine.arguments.dropFirst() {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
        print("cannot open \(path)")
        exit(2)
    }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    close(descriptor)
    _ = bytes.withUnsafeBufferPointer { fuzzOne($0.baseAddress, $0.count) }
    replayed += 1
}
print("replayed \(replayed) input\(replayed == 1 ? "" : "s") without a crash")
#endif
