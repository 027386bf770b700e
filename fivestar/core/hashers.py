"""Password hashing: Argon2id with the OWASP Password Storage Cheat Sheet's minimum (19 MiB, 2 passes, 1 lane).

Django's default PBKDF2 (1,000,000 SHA-256 rounds) costs ~0.6 s of CPU per login on these machines: on deadline
day, when thousands of village secretaries log in, a third of the server's CPU went to it (bench/deadline_day.py).
Argon2id at these parameters costs ~45 ms and is memory-hard, so it resists GPU guessing better, not worse.
Accounts hashed with PBKDF2 keep working and are rehashed with Argon2id at their next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
