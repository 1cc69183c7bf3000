"""The client's address: X-Forwarded-For is believed only from trusted proxies."""

import ipaddress
from ipaddress import ip_network

from hypothesis import given, settings
from hypothesis import strategies as st

from app.client_ip import client_ip

PROXIES = [ip_network("10.0.0.0/8"), ip_network("::1/128")]


def test_without_proxies_the_peer_is_the_client() -> None:
    assert client_ip("198.51.100.4", "81.169.145.105", []) == "198.51.100.4"


def test_an_untrusted_peer_cannot_choose_its_address() -> None:
    assert client_ip("198.51.100.4", "81.169.145.105", PROXIES) == "198.51.100.4"


def test_a_trusted_proxy_is_believed() -> None:
    assert client_ip("10.1.2.3", "81.169.145.105", PROXIES) == "81.169.145.105"


def test_a_spoofed_left_hop_is_ignored_behind_a_chain_of_trusted_proxies() -> None:
    forwarded = "8.8.8.8, 81.169.145.105, 10.9.9.9"
    assert client_ip("10.1.2.3", forwarded, PROXIES) == "81.169.145.105"


def test_garbage_in_the_header_stops_the_walk() -> None:
    assert client_ip("10.1.2.3", "81.169.145.105, not-an-ip", PROXIES) == "10.1.2.3"


def test_ipv6_proxy() -> None:
    assert client_ip("::1", "2001:db8::5", PROXIES) == "2001:db8::5"


def test_no_peer() -> None:
    assert client_ip(None, "81.169.145.105", PROXIES) is None


@settings(max_examples=500)
@given(peer=st.one_of(
    st.ip_addresses(v=4).map(str),
    st.lists(st.integers(0, 300).map(str) | st.sampled_from(["00", "01", "", " 1", "0x1", "٣"]),
             min_size=3, max_size=5).map(".".join),
    st.text(alphabet="0123456789. :abcdef", max_size=20),
))
def test_a_peer_alone_is_what_ipaddress_makes_of_it(peer: str) -> None:
    try:
        expected: str | None = str(ipaddress.ip_address(peer.strip()))
    except ValueError:
        expected = None
    assert client_ip(peer, None, []) == expected
    assert client_ip(peer, "", PROXIES) == expected
