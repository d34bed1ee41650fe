import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.queue.claims import CallClaim, ClaimVerdict, resolve_claims
from shared.queue.clock import IssueTime
from shared.queue.errors import TicketClaimedElsewhere


def _claim(claim_id: str, window: int, seq: int, started: bool = False, hlc_ms: int = 1000) -> CallClaim:
    return CallClaim(claim_id, "t1", "A023", window, IssueTime(hlc_ms, 0, f"W{window}"), seq, started)


def test_first_claim_by_server_order_wins_and_the_loser_is_told() -> None:
    # window 2 called earlier by its own clock, but its claim reached the server second
    early_clock = _claim("c2", 2, seq=8, hlc_ms=500)
    first_in = _claim("c1", 1, seq=5, hlc_ms=900)
    resolution = resolve_claims([early_clock, first_in])
    assert resolution.winner.window_id == 1 and not resolution.flag_for_supervisor
    assert [o.claim.claim_id for o in resolution.outcomes] == ["c1", "c2"]      # both calls on record
    lost = resolution.outcomes[1]
    assert lost.verdict is ClaimVerdict.LOST and isinstance(lost.rejection, TicketClaimedElsewhere)
    assert lost.rejection.code == "ticket_claimed_elsewhere"
    assert lost.rejection.details == {"ticket": "A023", "window": 2, "winner_window": 1}


def test_service_started_where_the_citizen_appeared_is_accepted_and_flagged() -> None:
    resolution = resolve_claims([_claim("c1", 1, seq=5), _claim("c2", 2, seq=6, started=True)])
    assert resolution.winner.window_id == 2
    assert resolution.flag_for_supervisor
    assert resolution.flag_reasons == ("service_started_at_later_claim",)
    assert resolution.outcomes[0].rejection.details["winner_window"] == 2


def test_exactly_one_winner_even_when_service_started_twice() -> None:
    claims = [_claim("c1", 1, seq=1, started=True), _claim("c2", 2, seq=2, started=True), _claim("c3", 3, seq=3)]
    resolution = resolve_claims(claims)
    assert [o.verdict for o in resolution.outcomes].count(ClaimVerdict.WON) == 1
    assert resolution.winner.claim_id == "c1"
    assert resolution.flag_reasons == ("service_started_at_several_windows",)


def test_resolution_does_not_depend_on_input_order() -> None:
    claims = [_claim("c1", 1, seq=3), _claim("c2", 2, seq=1), _claim("c3", 3, seq=2)]
    forward, backward = resolve_claims(claims), resolve_claims(list(reversed(claims)))
    assert forward.winner.claim_id == backward.winner.claim_id == "c2"
    assert [(o.claim, o.verdict) for o in forward.outcomes] == [(o.claim, o.verdict) for o in backward.outcomes]


def test_claims_must_concern_one_ticket() -> None:
    other = CallClaim("x", "t2", "B001", 1, IssueTime(1), 9)
    with pytest.raises(ValueError):
        resolve_claims([_claim("c1", 1, 1), other])
    with pytest.raises(ValueError):
        resolve_claims([])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.booleans()), min_size=1, max_size=6), st.randoms())
def test_exactly_one_winner_and_every_call_on_record(specs, rnd) -> None:
    claims = [_claim(f"c{i}", window, seq=i * 10, started=started) for i, (window, started) in enumerate(specs)]
    rnd.shuffle(claims)
    resolution = resolve_claims(claims)
    assert sorted(o.claim.claim_id for o in resolution.outcomes) == sorted(c.claim_id for c in claims)
    assert [o.verdict for o in resolution.outcomes].count(ClaimVerdict.WON) == 1
    started = [c for c in sorted(claims, key=lambda c: c.server_seq) if c.service_started]
    expected = started[0] if started else min(claims, key=lambda c: c.server_seq)
    assert resolution.winner == expected
    assert all(o.rejection is not None and o.rejection.details["winner_window"] == expected.window_id
               for o in resolution.outcomes if o.verdict is ClaimVerdict.LOST)
