"""Messages of the accounts feature."""

from server.i18n import register

register(
    {
        "invalid_credentials": (
            "Tên đăng nhập hoặc mật khẩu không đúng.",
            "The username or password is wrong.",
        ),
        "login_throttled": (
            "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút "
            "hoặc liên hệ thư ký kỳ họp.",
            "Too many failed logins. Try again in {minutes} minutes or ask the secretariat.",
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
