"""Messages of the accounts feature."""

from server.i18n import register

register(
    {
        "invalid_credentials": (
            "Tên đăng nhập hoặc mật khẩu không đúng.",
            "The username or password is wrong.",
        ),
        "login_throttled": (
            "Đăng nhập sai nhiều lần. Vui lòng đợi {seconds} giây rồi thử lại, "
            "hoặc nhờ thư ký kỳ họp mở khóa.",
            "Several failed logins. Wait {seconds} seconds and try again, "
            "or ask the secretariat to clear the delay.",
        ),
        "invalid_password": (
            "Mật khẩu không đúng.",
            "The password is wrong.",
        ),
        "device_not_confirmed": (
            "Máy tính bảng này do người khác ghép với tài khoản của bạn. Hãy nhập mật khẩu "
            "của chính bạn để xác nhận máy trước khi biểu quyết.",
            "Someone else paired this tablet with your account. Enter your own password to "
            "confirm it before you vote.",
        ),
        "device_not_paired": (
            "Phiên đăng nhập này không phải của một máy tính bảng đã ghép.",
            "This session is not a paired tablet's.",
        ),
        "account_disabled": (
            "Tài khoản này đã bị khóa. Vui lòng liên hệ thư ký kỳ họp.",
            "This account is disabled. Please contact the secretariat.",
        ),
        "username_taken": (
            "Tên đăng nhập “{username}” đã được sử dụng.",
            "The username “{username}” is already taken.",
        ),
        "user_not_found": ("Không tìm thấy người dùng.", "User not found."),
        "device_not_found": ("Không tìm thấy thiết bị.", "Device not found."),
        "pairing_token_invalid": (
            "Mã QR không hợp lệ, đã được dùng hoặc đã hết hạn. "
            "Vui lòng xin thư ký kỳ họp cấp mã mới.",
            "This QR code is not valid, already used or expired. "
            "Ask the secretariat for a new one.",
        ),
    }
)
