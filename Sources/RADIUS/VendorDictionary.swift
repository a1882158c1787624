/// Vendor attributes IKEHub sends and reads, in radcli's dictionary syntax. Read into
/// every handle after the base dictionary (`rc_read_dictionary_from_buffer`), so that no
/// system dictionary edit is needed. Numbers: RFC 2548 (Microsoft), Cisco's RADIUS VSA
/// documentation (vendor 9, `cisco-avpair` = 1).
enum VendorDictionary {
    static let text = """
    VENDOR\tCisco\t9
    ATTRIBUTE\tCisco-AVPair\t1\tstring\tCisco
    ATTRIBUTE\tCisco-NAS-Port\t2\tstring\tCisco

    VENDOR\tMicrosoft\t311
    ATTRIBUTE\tMS-CHAP-Response\t1\tstring\tMicrosoft
    ATTRIBUTE\tMS-CHAP-Error\t2\tstring\tMicrosoft
    ATTRIBUTE\tMS-CHAP-Domain\t10\tstring\tMicrosoft
    ATTRIBUTE\tMS-CHAP-Challenge\t11\tstring\tMicrosoft
    ATTRIBUTE\tMS-MPPE-Send-Key\t16\tstring\tMicrosoft
    ATTRIBUTE\tMS-MPPE-Recv-Key\t17\tstring\tMicrosoft
    ATTRIBUTE\tMS-CHAP2-Response\t25\tstring\tMicrosoft
    ATTRIBUTE\tMS-CHAP2-Success\t26\tstring\tMicrosoft
    ATTRIBUTE\tMS-Primary-DNS-Server\t28\tipaddr\tMicrosoft
    ATTRIBUTE\tMS-Secondary-DNS-Server\t29\tipaddr\tMicrosoft
    ATTRIBUTE\tMS-Primary-NBNS-Server\t30\tipaddr\tMicrosoft
    ATTRIBUTE\tMS-Secondary-NBNS-Server\t31\tipaddr\tMicrosoft

    """
}
