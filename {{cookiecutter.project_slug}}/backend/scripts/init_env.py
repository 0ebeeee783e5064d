"""Write backend/.env from .env.example with a fresh DJANGO_SECRET_KEY and JWT_SIGNING_KEY.

Run by the post-generation hook of the template and by `make install`; never overwrites an
existing .env.
"""

import re
import secrets
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent
KEYS = ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY")


def main() -> None:
    env = BACKEND / ".env"
    if env.exists():
        print("backend/.env exists, left as it is")
        return
    text = (BACKEND / ".env.example").read_text()
    for name in KEYS:
        key = secrets.token_urlsafe(50)
        text = re.sub(rf"^{name}=.*$", f"{name}={key}", text, flags=re.M)
    env.write_text(text)
    env.chmod(0o600)
    print(f"wrote backend/.env with a new {' and a new '.join(KEYS)}")


if __name__ == "__main__":
    main()
