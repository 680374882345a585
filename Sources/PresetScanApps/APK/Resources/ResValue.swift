import PresetScanCore

/// A typed value from a manifest attribute or a resource entry, as stored (Res_value, ResourceTypes.h).
public enum ResValue: Sendable, Equatable {
    case string(String)
    /// A resource id (`@0x7f0b0001`), still to be resolved against resources.arsc.
    case reference(UInt32)
    /// A theme attribute id (`?0x01010036`).
    case attribute(UInt32)
    /// TYPE_INT_DEC or TYPE_INT_HEX, sign-extended from the stored 32 bits as the platform reads them.
    case int(Int64)
    case bool(Bool)
    case float(Float)
    /// Any other type (dimension, fraction, color, null ...) with its raw data.
    case other(type: UInt8, data: UInt32)

    /// The value as `aapt dump badging` prints a literal: strings as is, integers in decimal,
    /// booleans as aapt's `%d` of the stored data (`-1` true, `0` false), anything else as `0x%x`.
    /// `nil` for references and attributes, which must be resolved first.
    public var literalText: String? {
        switch self {
        case .string(let text): return text
        case .int(let value): return String(value)
        case .bool(let value): return value ? "-1" : "0"
        case .float(let value): return "0x" + String(value.bitPattern, radix: 16)
        case .other(_, let data): return "0x" + String(data, radix: 16)
        case .reference, .attribute: return nil
        }
    }

    /// The resource id of a reference.
    public var referenceID: UInt32? {
        if case .reference(let id) = self { return id }
        return nil
    }
}

/// Res_value (ResourceTypes.h): size, res0, dataType and 32 bits of data.
struct ResValueData: Sendable, Equatable {
    static let byteCount = 8

    /// Res_value::dataType codes (ResourceTypes.h).
    enum DataType {
        static let null: UInt8 = 0x00
        static let reference: UInt8 = 0x01
        static let attribute: UInt8 = 0x02
        static let string: UInt8 = 0x03
        static let float: UInt8 = 0x04
        static let dynamicReference: UInt8 = 0x07
        static let dynamicAttribute: UInt8 = 0x08
        static let intDec: UInt8 = 0x10
        static let intHex: UInt8 = 0x11
        static let intBoolean: UInt8 = 0x12
    }

    var size: UInt16
    var res0: UInt8
    var dataType: UInt8
    var data: UInt32

    init(size: UInt16 = 8, res0: UInt8 = 0, dataType: UInt8, data: UInt32) {
        self.size = size
        self.res0 = res0
        self.dataType = dataType
        self.data = data
    }

    init(_ reader: inout ByteReader) throws {
        size = try reader.u16le()
        res0 = try reader.u8()
        dataType = try reader.u8()
        data = try reader.u32le()
    }

    /// The value with strings taken from `pool`; a string index that cannot be read gives nil.
    func resolved(strings pool: ResStringPool) -> ResValue? {
        if dataType == DataType.string {
            return pool.string(data).map(ResValue.string)
        }
        return nonString
    }

    /// The value for every type but TYPE_STRING.
    var nonString: ResValue {
        switch dataType {
        case DataType.reference, DataType.dynamicReference: return .reference(data)
        case DataType.attribute, DataType.dynamicAttribute: return .attribute(data)
        case DataType.intDec, DataType.intHex: return .int(Int64(Int32(bitPattern: data)))
        case DataType.intBoolean: return .bool(data != 0)
        case DataType.float: return .float(Float(bitPattern: data))
        default: return .other(type: dataType, data: data)
        }
    }
}
