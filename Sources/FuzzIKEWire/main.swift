// Fuzz target for the untrusted-input path. Top-level code on purpose: SwiftPM links
// executables with --defsym main=<Module>_main, and -parse-as-library breaks that.
import CFuzzerDriver
import IKEWire
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    _ = bytes
    return 0
}

#if IKEHUB_FUZZING
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzOne($0, $1) }))
#else
print("built without -DIKEHUB_FUZZING")
#endif
