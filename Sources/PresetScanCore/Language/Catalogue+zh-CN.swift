/// 简体中文目录：每个 `MessageKey` 一条文本，术语以 SPEC §8 为准。`{0}`、`{1}` … 为消息参数。
extension MessageKey {
    var chinese: String {
        switch self {
        // MARK: Fixed terms (SPEC §8)
        case .termFiled: "已备案"
        case .termUnfiled: "未备案"
        case .termCertificateMismatch: "证书不一致"
        case .termFilingNotActive: "备案已注销或撤销"
        case .termExempt: "豁免"
        case .termWaived: "已批准例外"
        case .termFilingNumber: "备案号"
        case .termSponsor: "主办单位"
        case .termAppName: "APP名称"
        case .termPackageName: "包名 / Bundle ID"
        case .termCertificateMD5: "签名MD5"
        case .termPublicKey: "公钥"
        case .termIncompleteScan: "扫描不完整"

        // MARK: Outcomes
        case .outcomePass: "通过"
        case .outcomeFail: "不通过"
        case .outcomeIncomplete: "扫描不完整"
        }
    }
}
