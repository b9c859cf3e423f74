"""The sign-in throttle on a fake clock: what an attacker really gets per day, and who can never be shut out."""

import pytest

from edgekit.accounts.throttle import LoginThrottle, is_loopback
from edgekit.settings import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def throttle_from(settings: Settings, clock: FakeClock, capacity: int = 4096) -> LoginThrottle:
    return LoginThrottle(
        delay_s=settings.login_delay_s,
        name_wait_max_s=settings.login_name_wait_max_s,
        address_max_failures=settings.login_max_failures,
        address_window_s=settings.login_lockout_s,
        capacity=capacity,
        clock=clock,
    )


def greedy_tries(throttle: LoginThrottle, clock: FakeClock, name: str, addresses: list[str], seconds: float) -> int:
    """An attacker who tries again the very moment any of its addresses is let in, for `seconds`; every try wrong."""
    end = clock.now + seconds
    tries = 0
    while clock.now < end:
        waits = []
        for address in addresses:
            verdict = throttle.admit(name, address)
            if verdict.allowed:
                tries += 1
                waits = []
                break
            waits.append(verdict.wait_s)
        if waits:
            clock.now += min(waits)
    return tries


def expected_per_day(settings: Settings, addresses: int) -> float:
    """The bound from the settings alone, as docs/security.md states it."""
    per_name = 86400 / settings.login_name_wait_max_s
    per_address = settings.login_max_failures * 86400 / settings.login_lockout_s
    return min(per_name, per_address * addresses)


@pytest.mark.parametrize("addresses", [1, 250])
def test_an_attacker_gets_no_more_tries_a_day_than_the_settings_say(addresses):
    settings = Settings(_env_file=None)
    clock = FakeClock()
    throttle = throttle_from(settings, clock)
    pool = [f"192.168.4.{n}" for n in range(2, 2 + addresses)]
    first_day = greedy_tries(throttle, clock, "admin", pool, 86400)
    second_day = greedy_tries(throttle, clock, "admin", pool, 86400)
    bound = expected_per_day(settings, addresses)
    print(f"\n{addresses} address(es): {first_day} tries on day 1, {second_day} on day 2 (bound {bound:.0f})")
    assert second_day <= bound + 1
    assert first_day <= bound + 16  # the ramp-up: the short first waits (0.5 s, 1 s, 2 s ...) before the cap
    assert second_day >= bound - 2  # the bound is what the throttle really gives, not a loose guess
    days_for_half_of_a_4_digit_pin = 5000 / second_day
    assert days_for_half_of_a_4_digit_pin > 10


def test_the_wait_doubles_per_name_and_is_capped():
    settings = Settings(_env_file=None, login_delay_s=0.5, login_name_wait_max_s=300, login_max_failures=1000)
    clock = FakeClock()
    throttle = throttle_from(settings, clock)
    waits = []
    for n in range(12):
        assert throttle.admit("amina", f"10.0.0.{n}").allowed
        refused = throttle.admit("amina", "10.0.1.1")
        waits.append(refused.wait_s)
        clock.now += refused.wait_s
    assert waits == [0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert [throttle.answer_delay(n) for n in (1, 2, 5, 6, 20)] == [0.5, 1, 8, 8, 8]


def test_parallel_tries_on_one_name_are_let_in_one_at_a_time():
    clock = FakeClock()
    throttle = throttle_from(Settings(_env_file=None), clock)
    verdicts = [throttle.admit("amina", f"10.0.0.{n}") for n in range(40)]
    assert sum(v.allowed for v in verdicts) == 1


def test_the_box_itself_is_never_made_to_wait_and_never_makes_phones_wait():
    clock = FakeClock()
    throttle = throttle_from(Settings(_env_file=None), clock)
    for n in range(40):  # the Wi-Fi hammers the admin's name from many addresses
        throttle.admit("admin", f"192.168.4.{n}")
        clock.now += 0.1
    assert throttle.network_wait("admin") > 0
    for local in ("127.0.0.1", "::1", "::ffff:127.0.0.1", None):
        assert throttle.admit("admin", local).allowed
    for _ in range(50):  # wrong PINs typed at the console do not slow the name down for phones
        throttle.admit("juma", "127.0.0.1")
    assert throttle.network_wait("juma") == 0 and throttle.admit("juma", "192.168.4.9").allowed


def test_an_attacker_cannot_lock_a_person_out():
    clock = FakeClock()
    settings = Settings(_env_file=None)
    throttle = throttle_from(settings, clock)
    greedy_tries(throttle, clock, "amina", ["192.168.4.66"], 3 * 3600)  # hours of guessing from one phone
    clock.now += settings.login_name_wait_max_s  # at most this long after the attacker's last try...
    assert throttle.admit("amina", "192.168.4.20").allowed  # ...amina's own phone gets its try
    throttle.succeeded("amina", "192.168.4.20")
    assert throttle.network_wait("amina") == 0


def test_a_right_pin_gives_the_try_back():
    clock = FakeClock()
    throttle = throttle_from(Settings(_env_file=None, login_max_failures=3), clock)
    for _ in range(10):
        assert throttle.admit("amina", "10.0.0.5").allowed
        throttle.succeeded("amina", "10.0.0.5")
    assert throttle.admit("juma", "10.0.0.5").allowed


def test_spraying_names_cannot_push_a_name_under_attack_out_of_memory():
    clock = FakeClock()
    settings = Settings(_env_file=None, login_max_failures=10**6)
    throttle = throttle_from(settings, clock, capacity=64)
    for n in range(12):
        throttle.admit("admin", f"10.1.0.{n}")
        clock.now += throttle.name_wait(n + 1)
    before = throttle.network_wait("admin") + clock.now
    for n in range(1000):
        throttle.admit(f"nobody{n}", f"10.2.{n // 250}.{n % 250}")
    assert len(throttle._names) <= 64 and len(throttle._addresses) <= 64
    assert throttle.network_wait("admin") + clock.now == pytest.approx(before)


@pytest.mark.parametrize(
    "host, loopback",
    [
        *[("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("::ffff:127.0.0.1", True), ("localhost", True)],
        *[("192.168.4.2", False), ("testclient", False), ("10.0.0.1", False), ("::ffff:192.168.4.2", False)],
    ],
)
def test_loopback(host, loopback):
    assert is_loopback(host) is loopback
