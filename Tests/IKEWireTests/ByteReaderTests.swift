import Testing
@testable import IKEWire

@Suite("ByteReader and ByteWriter")
struct ByteReaderTests {
    @Test func testReadInteger_readsBigEndianAndAdvances() throws {
        var reader = ByteReader([0x12, 0x34, 0x56, 0x78, 0x9a])
        #expect(try reader.readInteger(as: UInt16.self) == 0x1234)
        #expect(try reader.readInteger(as: UInt8.self) == 0x56)
        #expect(reader.readerIndex == 3)
        #expect(reader.readableBytes == 2)
    }

    @Test func testReadPastTheEnd_throwsTruncatedAtTheReadOffset() {
        var reader = ByteReader([1, 2, 3], payload: .nonce)
        _ = try? reader.readInteger(as: UInt8.self)
        #expect(thrownError { () throws(IKEParseError) in try reader.readInteger(as: UInt32.self) }
                == .truncated(payload: .nonce, offset: 1, needed: 4))
        #expect(thrownError { () throws(IKEParseError) in try reader.readBytes(count: -1) }
                == .truncated(payload: .nonce, offset: 1, needed: -1))
        #expect(thrownError { () throws(IKEParseError) in try reader.readBytes(count: 3) }
                == .truncated(payload: .nonce, offset: 1, needed: 3))
    }

    @Test func testSlice_sharesAbsoluteOffsetsAndBounds() throws {
        var reader = ByteReader([0, 1, 2, 3, 4, 5])
        _ = try reader.readBytes(count: 2)
        var slice = try reader.readSlice(length: 2, payload: .keyExchange)
        #expect(slice.readerIndex == 2)
        #expect(try slice.readBytes(count: 2) == [2, 3])
        #expect(thrownError { () throws(IKEParseError) in try slice.readInteger(as: UInt8.self) }
                == .truncated(payload: .keyExchange, offset: 4, needed: 1))
        #expect(reader.readRemainingBytes() == [4, 5])
        #expect(reader.isAtEnd)
    }

    @Test func testWriter_writesBigEndianAndPatchesLengths() {
        var writer = ByteWriter()
        writer.writeInteger(UInt32(0x01020304))
        writer.writeLengthPrefixed { $0.writeBytes([9, 9, 9]) }
        #expect(writer.bytes == [1, 2, 3, 4, 0, 5, 9, 9, 9])
        writer.setUInt16(0xabcd, at: 0)
        #expect(Array(writer.bytes.prefix(2)) == [0xab, 0xcd])
    }
}
