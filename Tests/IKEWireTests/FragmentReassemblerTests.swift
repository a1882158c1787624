import Testing
@testable import IKEWire

/// RFC 7383 §2.6 reassembly and its resource limits.
@Suite("Fragment reassembly")
struct FragmentReassemblerTests {
    private func fragment(_ number: UInt16, of total: UInt16) -> EncryptedFragmentPayload {
        EncryptedFragmentPayload(fragmentNumber: number, totalFragments: total,
                                 innerFirstPayload: number == 1 ? .identificationInitiator : .none, body: [])
    }

    @Test func testFragmentsInAnyOrder_reassembleInFragmentNumberOrder() throws {
        var reassembler = FragmentReassembler()
        #expect(try reassembler.add(fragment(3, of: 3), content: [5, 6]) == .incomplete(received: 1, total: 3))
        #expect(try reassembler.add(fragment(1, of: 3), content: [1, 2]) == .incomplete(received: 2, total: 3))
        #expect(try reassembler.add(fragment(2, of: 3), content: [3, 4])
                == .complete(firstPayload: .identificationInitiator, payloadBytes: [1, 2, 3, 4, 5, 6]))
    }

    @Test func testReassembledBytes_parseAsTheInnerChain() throws {
        let inner: [Payload] = [.notify(.setWindowSize(4)), .delete(.ikeSA)]
        let chain = Payload.serializeChain(inner)
        var reassembler = FragmentReassembler()
        _ = try reassembler.add(fragmentNumber: 2, totalFragments: 2, innerFirstPayload: .none, content: Array(chain[5...]))
        let outcome = try reassembler.add(fragmentNumber: 1, totalFragments: 2, innerFirstPayload: .notify, content: Array(chain[..<5]))
        guard case .complete(let first, let payloadBytes) = outcome else {
            Issue.record("not complete")
            return
        }
        #expect(try Payload.parseChain(payloadBytes, firstPayload: first) == inner)
    }

    @Test func testDuplicateFragment_isRejected() throws {
        var reassembler = FragmentReassembler()
        _ = try reassembler.add(fragment(2, of: 3), content: [1])
        #expect(thrownError(reassembler: &reassembler, fragment(2, of: 3)) == .duplicateFragment(number: 2))
        #expect(reassembler.receivedCount == 1)
    }

    @Test func testLowerTotalFragments_isStale_andHigherRestarts() throws {
        var reassembler = FragmentReassembler()
        _ = try reassembler.add(fragment(1, of: 3), content: [1])
        _ = try reassembler.add(fragment(2, of: 3), content: [2])
        #expect(thrownError(reassembler: &reassembler, fragment(1, of: 2)) == .staleTotalFragments(current: 3, received: 2))
        // RFC 7383 §2.6: a higher Total Fragments discards what was held.
        #expect(try reassembler.add(fragment(2, of: 4), content: [9]) == .incomplete(received: 1, total: 4))
        #expect(reassembler.totalFragments == 4)
    }

    @Test(arguments: [(UInt16(0), UInt16(3)), (4, 3), (1, 0)])
    func testFragmentNumberOutOfRange_isRejected(number: UInt16, total: UInt16) {
        var reassembler = FragmentReassembler()
        let error = thrownError(reassembler: &reassembler, EncryptedFragmentPayload(
            fragmentNumber: number, totalFragments: total, innerFirstPayload: number == 1 ? .notify : .none, body: []))
        #expect(error == (total == 0 ? .tooManyFragments(total: 0, maximum: FragmentReassembler.maximumFragments)
                                     : .fragmentNumberOutOfRange(number: number, total: total)))
    }

    @Test func testTotalAboveTheLimit_isRejected() {
        var reassembler = FragmentReassembler()
        let total = UInt16(FragmentReassembler.maximumFragments + 1)
        #expect(thrownError(reassembler: &reassembler, fragment(2, of: total))
                == .tooManyFragments(total: total, maximum: FragmentReassembler.maximumFragments))
        var small = FragmentReassembler(fragmentLimit: 2)
        #expect(thrownError(reassembler: &small, fragment(1, of: 3)) == .tooManyFragments(total: 3, maximum: 2))
    }

    @Test func testContentAboveTheSizeLimit_isRejected() throws {
        var reassembler = FragmentReassembler(sizeLimit: 10)
        _ = try reassembler.add(fragment(1, of: 2), content: Array(repeating: 0, count: 6))
        #expect(thrownError(reassembler: &reassembler, fragment(2, of: 2), content: Array(repeating: 0, count: 5))
                == .messageTooLarge(size: 11, maximum: 10))
        #expect(FragmentReassembler.maximumReassembledSize == 65_535)
    }

    @Test func testNextPayloadOnTheWrongFragment_isRejected() {
        var reassembler = FragmentReassembler()
        let first = EncryptedFragmentPayload(fragmentNumber: 1, totalFragments: 2, innerFirstPayload: .none, body: [])
        #expect(thrownError(reassembler: &reassembler, first) == .invalidNextPayload(number: 1, nextPayload: .none))
        let second = EncryptedFragmentPayload(fragmentNumber: 2, totalFragments: 2, innerFirstPayload: .notify, body: [])
        #expect(thrownError(reassembler: &reassembler, second) == .invalidNextPayload(number: 2, nextPayload: .notify))
    }

    private func thrownError(reassembler: inout FragmentReassembler, _ fragment: EncryptedFragmentPayload,
                             content: [UInt8] = [0]) -> FragmentReassemblyError? {
        do {
            _ = try reassembler.add(fragment, content: content)
            return nil
        } catch {
            return error
        }
    }

    @Test func testHandBuiltFragmentMessages_reassemble() throws {
        var reassembler = FragmentReassembler()
        var outcome: FragmentReassembler.Outcome?
        for name in ["handbuilt-ike_auth-request-fragment-2", "handbuilt-ike_auth-request-fragment-1"] {
            let message = try IKEMessage.parse(VectorFile.named(name).messageBytes)
            try message.validate()
            let fragment = try #require(message.encryptedFragment)
            // The contents are opaque here; the ciphertext stands in for the decrypted part.
            outcome = try reassembler.add(fragment, content: fragment.parts(ivLength: 16, icvLength: 16).ciphertext)
        }
        #expect(outcome == .complete(firstPayload: .identificationInitiator, payloadBytes: Array(repeating: 0xa5, count: 96)))
    }
}
