"""How signature verdicts are said to people, in Vietnamese first and English.

Every status and reason code of `verify` and every error code of `trust` has its words here,
registered with `server.i18n` like each feature's catalogue (codes prefixed `signature_` or
`trust_`). The words are for a council secretary or a delegate, not for a cryptographer:
what the badge says, then one sentence on what it means for the document.
"""

from __future__ import annotations

from typing import Any

from server.i18n import register, translate

#: The badge of each status (short).
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "valid": ("Đã ký số", "Digitally signed"),
    "untrusted_root": (
        "Không xác định được tổ chức chứng thực gốc",
        "Certification authority not recognised",
    ),
    "modified": ("Văn bản đã bị thay đổi sau khi ký", "Changed after signing"),
    "expired": (
        "Chứng thư số hết hiệu lực tại thời điểm ký",
        "Certificate not valid at signing time",
    ),
    "revoked": ("Chứng thư số đã bị thu hồi", "Certificate revoked"),
    "broken": ("Chữ ký số không hợp lệ", "Signature invalid"),
    "not_checked": (
        "Chưa kiểm tra được tình trạng thu hồi chứng thư số",
        "Revocation status not checked",
    ),
}

#: One sentence on what each status means for the reader.
STATUS_DETAILS: dict[str, tuple[str, str]] = {
    "valid": (
        "Chữ ký số hợp lệ: chứng thư số do tổ chức chứng thực được tin cậy cấp, còn hiệu lực, "
        "chưa bị thu hồi, và nội dung văn bản không bị thay đổi sau khi ký.",
        "The signature is valid: the certificate comes from a trusted certification "
        "authority, was valid and not revoked, and the document was not changed after signing.",
    ),
    "untrusted_root": (
        "Chứng thư số của người ký không dẫn tới chứng thư gốc nào mà hệ thống tin cậy, nên "
        "chưa thể khẳng định ai đã ký. Văn phòng có thể cài chứng thư gốc rồi kiểm tra lại.",
        "The signer's certificate does not lead to a root this system trusts, so who signed "
        "cannot be confirmed. The secretariat can install the root and check again.",
    ),
    "modified": (
        "Nội dung đang đọc không còn đúng với nội dung đã được ký. Hãy đối chiếu với bản gốc "
        "của cơ quan ban hành.",
        "What you are reading is not what was signed. Compare it with the original from the "
        "issuing agency.",
    ),
    "expired": (
        "Chứng thư số của người ký không còn (hoặc chưa có) hiệu lực tại thời điểm ký; nếu "
        "văn bản không có dấu thời gian thì thời điểm kiểm tra được dùng làm thời điểm ký.",
        "The signer's certificate was not valid when the document was signed; without a "
        "timestamp, the time of checking stands for the time of signing.",
    ),
    "revoked": (
        "Tổ chức chứng thực đã thu hồi chứng thư số của người ký trước thời điểm ký; chữ ký "
        "không có giá trị.",
        "The certification authority revoked the signer's certificate before the signing "
        "time; the signature does not count.",
    ),
    "broken": (
        "Chữ ký bị hỏng, không kiểm tra được về mặt mật mã, hoặc dùng khóa hay thuật toán "
        "quá yếu theo Thông tư 15/2025/TT-BKHCN; chữ ký không có giá trị.",
        "The signature is damaged, does not verify, or uses a key or algorithm too weak under "
        "Circular 15/2025/TT-BKHCN; it does not count.",
    ),
    "not_checked": (
        "Chữ ký và chứng thư số hợp lệ, nhưng hệ thống chưa có danh sách thu hồi (CRL) hay "
        "phản hồi OCSP để xác nhận chứng thư số chưa bị thu hồi. Văn phòng có thể bổ sung rồi "
        "kiểm tra lại.",
        "The signature and certificate check out, but without a revocation list (CRL) or OCSP "
        "answer the system cannot confirm the certificate was not revoked. The secretariat can "
        "add one and check again.",
    ),
}

#: The details behind a status (machine codes in `SignatureReport.reasons`).
REASONS: dict[str, tuple[str, str]] = {
    "signature_unreadable": (
        "Không đọc được dữ liệu chữ ký trong tệp.",
        "The signature data in the file cannot be read.",
    ),
    "unsupported_signature": (
        "Định dạng chữ ký này không được hỗ trợ.",
        "This signature format is not supported.",
    ),
    "signature_invalid": (
        "Giá trị chữ ký không khớp với chứng thư số: chữ ký bị làm giả hoặc bị hỏng.",
        "The signature value does not verify with the certificate: forged or damaged.",
    ),
    "weak_key": (
        "Khóa của người ký quá ngắn: Thông tư 15/2025/TT-BKHCN yêu cầu RSA từ 2048 bit, "
        "ECDSA từ 256 bit.",
        "The signer's key is too short: Circular 15/2025/TT-BKHCN requires RSA of at least "
        "2048 bits, ECDSA of at least 256 bits.",
    ),
    "weak_algorithm": (
        "Chữ ký hoặc chứng thư số dùng thuật toán không còn được chấp nhận (ví dụ SHA-1).",
        "The signature or a certificate uses an algorithm no longer accepted (such as SHA-1).",
    ),
    "timestamp_invalid": (
        "Dấu thời gian gắn với chữ ký bị hỏng.",
        "The timestamp attached to the signature is damaged.",
    ),
    "content_changed": (
        "Các byte đã được ký bị sửa sau khi ký (mã băm không khớp).",
        "The signed bytes were altered after signing (digest mismatch).",
    ),
    "coverage_unclear": (
        "Chữ ký không bao phủ văn bản theo đúng chuẩn, có phần không được ký.",
        "The signature does not cover the document in the standard way; parts are unsigned.",
    ),
    "changed_after_signing": (
        "Văn bản được thêm hoặc sửa sau khi ký (ví dụ thêm trang, ghi chú, sửa nội dung).",
        "The document was added to or edited after signing (pages, notes, content).",
    ),
    "form_fields_changed": (
        "Các ô biểu mẫu trong văn bản được điền hoặc sửa sau khi ký.",
        "Form fields of the document were filled in or edited after signing.",
    ),
    "changes_not_permitted": (
        "Người ký đã khóa văn bản nhưng văn bản vẫn bị thay đổi sau đó.",
        "The signer locked the document, yet it was changed afterwards.",
    ),
    "certificate_revoked": (
        "Chứng thư số của người ký đã bị thu hồi trước thời điểm ký.",
        "The signer's certificate was revoked before the signing time.",
    ),
    "ca_certificate_revoked": (
        "Chứng thư số của tổ chức chứng thực cấp cho người ký đã bị thu hồi.",
        "The certificate of the authority that issued the signer's certificate was revoked.",
    ),
    "certificate_expired": (
        "Chứng thư số của người ký đã hết hạn tại thời điểm ký.",
        "The signer's certificate had expired at the signing time.",
    ),
    "certificate_not_yet_valid": (
        "Chứng thư số của người ký chưa có hiệu lực tại thời điểm ký.",
        "The signer's certificate was not yet valid at the signing time.",
    ),
    "ca_certificate_expired": (
        "Chứng thư số của tổ chức chứng thực trung gian không còn hiệu lực tại thời điểm ký.",
        "An intermediate authority's certificate was not valid at the signing time.",
    ),
    "unknown_root": (
        "Chứng thư số không dẫn tới chứng thư gốc nào được cài trên hệ thống.",
        "The certificate does not lead to any root installed on this system.",
    ),
    "certificate_path_invalid": (
        "Chuỗi chứng thư số không hợp lệ (ví dụ chứng thư không được phép dùng để ký).",
        "The certificate chain is not valid (for example, the certificate may not sign).",
    ),
    "revocation_not_checked": (
        "Chưa có danh sách thu hồi (CRL) hay phản hồi OCSP còn hiệu lực cho chứng thư số của "
        "người ký hoặc của tổ chức chứng thực trung gian.",
        "No current revocation list (CRL) or OCSP answer is at hand for the signer's "
        "certificate or an intermediate authority's.",
    ),
    "timestamp_untrusted": (
        "Có dấu thời gian nhưng tổ chức cấp dấu thời gian không được tin cậy; thời điểm ký là "
        "do máy của người ký ghi.",
        "There is a timestamp, but its authority is not trusted; the signing time is what the "
        "signer's computer recorded.",
    ),
    "no_timestamp": (
        "Chữ ký không có dấu thời gian: thời điểm ký do máy của người ký ghi, chứng thư số "
        "được kiểm tra tại thời điểm kiểm tra.",
        "The signature has no timestamp: the signing time is what the signer's computer "
        "recorded, and the certificate is checked as of the time of checking.",
    ),
}

#: Trust directory errors and the command line's words.
TRUST: dict[str, tuple[str, str]] = {
    "trust_not_certificate": (
        "Tệp không phải là chứng thư số X.509 (định dạng PEM hoặc DER).",
        "The file is not an X.509 certificate (PEM or DER).",
    ),
    "trust_private_key": (
        "Tệp có chứa khóa bí mật. Không đưa khóa bí mật lên máy chủ; chỉ cài chứng thư số gốc.",
        "The file holds a private key. Never put a private key on the server; install only "
        "the root certificate.",
    ),
    "trust_several_certificates": (
        "Tệp chứa {count} chứng thư số; hãy cài mỗi chứng thư gốc từ một tệp riêng.",
        "The file holds {count} certificates; install each root from a file of its own.",
    ),
    "trust_not_ca": (
        "Chứng thư số «{subject}» không phải của tổ chức chứng thực nên không thể làm chứng "
        "thư gốc.",
        "The certificate “{subject}” is not a certification authority's, so it cannot be a root.",
    ),
    "trust_root_unknown": (
        "Không có chứng thư gốc nào có dấu vân tay {fingerprint}.",
        "No installed root has the fingerprint {fingerprint}.",
    ),
    "trust_root_added": ("Đã cài chứng thư gốc: {subject}", "Root installed: {subject}"),
    "trust_root_removed": ("Đã gỡ chứng thư gốc: {subject}", "Root removed: {subject}"),
    "trust_no_roots": ("Chưa cài chứng thư gốc nào.", "No root is installed."),
    "trust_validity": ("Hiệu lực: {start} đến {end}", "Valid: {start} to {end}"),
    "trust_fingerprint": (
        "Dấu vân tay SHA-256: {fingerprint}",
        "SHA-256 fingerprint: {fingerprint}",
    ),
    "signature_file_unreadable": ("Không đọc được tệp: {error}", "Cannot read the file: {error}"),
    "signature_none": ("Tệp không có chữ ký số.", "The file has no digital signature."),
    "signature_heading": ("Chữ ký {number}: {label}", "Signature {number}: {label}"),
    "signature_signer": ("Người ký: {value}", "Signer: {value}"),
    "signature_organisation": ("Cơ quan, tổ chức: {value}", "Organisation: {value}"),
    "signature_serial": ("Số hiệu chứng thư số: {value}", "Certificate serial: {value}"),
    "signature_signed_at": ("Thời điểm ký: {value}", "Signed at: {value}"),
    "signature_timestamp_trusted": (
        "Dấu thời gian: có, của tổ chức được tin cậy ({value})",
        "Timestamp: yes, from a trusted authority ({value})",
    ),
    "signature_timestamp_untrusted": (
        "Dấu thời gian: có, nhưng tổ chức cấp không được tin cậy ({value})",
        "Timestamp: yes, but its authority is not trusted ({value})",
    ),
    "signature_timestamp_none": ("Dấu thời gian: không có", "Timestamp: none"),
    "signature_level": ("Định dạng PAdES: {value}", "PAdES level: {value}"),
    "signature_covers_all": (
        "Chữ ký bao phủ toàn bộ tệp.",
        "The signature covers the whole file.",
    ),
    "signature_covers_revision": (
        "Sau chữ ký có phần cập nhật thêm của tệp ({value}).",
        "The file was updated after this signature ({value}).",
    ),
    "signature_unknown": ("(không rõ)", "(unknown)"),
}

#: Why signing did not happen (SignatureError codes of sign.py).
SIGNING: dict[str, tuple[str, str]] = {
    "signer_unavailable": (
        "Không đọc được tệp khóa ký số.",
        "The signing key file cannot be read.",
    ),
    "signer_pkcs12_refused": (
        "Không mở được tệp PKCS#12: sai mật khẩu hoặc tệp bị hỏng.",
        "The PKCS#12 file does not open: wrong passphrase or a damaged file.",
    ),
    "signer_token_refused": (
        "Không mở được thiết bị ký số (USB token): sai mã PIN, chưa cắm thiết bị hoặc sai "
        "thư viện PKCS#11.",
        "The signing token does not open: wrong PIN, token not plugged in, or wrong PKCS#11 "
        "module.",
    ),
    "signer_remote_refused": (
        "Dịch vụ ký số từ xa từ chối hoặc không trả lời.",
        "The remote signing service refused or did not answer.",
    ),
    "signer_certificate_invalid": (
        "Chứng thư số dùng để ký không hợp lệ (hết hạn, bị thu hồi hoặc không thuộc tổ chức "
        "chứng thực được tin cậy); văn bản chưa được ký.",
        "The signing certificate is not valid (expired, revoked or from an untrusted "
        "authority); the document was not signed.",
    ),
    "signature_timestamp_unavailable": (
        "Không lấy được dấu thời gian từ tổ chức cấp dấu thời gian; văn bản chưa được ký.",
        "No timestamp could be had from the timestamp authority; the document was not signed.",
    ),
    "signature_document_unreadable": (
        "Không đọc được tệp PDF cần ký.",
        "The PDF to be signed cannot be read.",
    ),
    "signature_page_missing": (
        "Văn bản không có trang đã chọn để đặt chữ ký.",
        "The document has no such page for the signature.",
    ),
    "signature_rect_outside": (
        "Vị trí đặt chữ ký nằm ngoài trang.",
        "The signature's place lies outside the page.",
    ),
    "signature_image_unreadable": (
        "Ảnh chữ ký phải là tệp PNG đọc được.",
        "The signature image must be a readable PNG file.",
    ),
    "signature_failed": ("Không ký được văn bản.", "The document could not be signed."),
}

#: pyHanko's modification levels (the later updates a signature does not cover), in words.
MODIFICATION_LEVELS: dict[str, tuple[str, str]] = {
    "none": ("không có", "none"),
    "lta_updates": (
        "chỉ dữ liệu kiểm tra chữ ký và dấu thời gian",
        "only validation data and timestamps",
    ),
    "form_filling": ("thêm chữ ký hoặc điền biểu mẫu", "further signatures or form filling"),
    "annotations": ("thêm ghi chú", "annotations"),
    "other": ("thay đổi nội dung", "content changes"),
}

register(
    {f"signature_status_{code}": words for code, words in STATUS_LABELS.items()}
    | {f"signature_status_{code}_detail": words for code, words in STATUS_DETAILS.items()}
    | {f"signature_reason_{code}": words for code, words in REASONS.items()}
    | {f"signature_modification_{code}": words for code, words in MODIFICATION_LEVELS.items()}
    | TRUST
    | SIGNING
)


def status_label(status: str, lang: str) -> str:
    """The badge of a status, e.g. "Đã ký số"."""
    return translate(f"signature_status_{status}", lang)


def status_detail(status: str, lang: str) -> str:
    """What a status means, in one sentence."""
    return translate(f"signature_status_{status}_detail", lang)


def reason_text(reason: str, lang: str) -> str:
    """The words of one reason code."""
    return translate(f"signature_reason_{reason}", lang)


def modification_text(level: str, lang: str) -> str:
    return translate(f"signature_modification_{level}", lang)


def text(code: str, lang: str, **params: Any) -> str:
    """Any other message of the catalogue (trust errors, the command line's words)."""
    return translate(code, lang, **params)
