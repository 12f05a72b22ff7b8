"""The simulator benchmark, run small so that it cannot rot: its world builds, the draft
changes what it should, and the page answers."""

from bench import simulator


def test_the_simulator_bench_runs_and_the_draft_moves_the_outcome(db):
    result = simulator.run(applications=10, others=3, repeat=1)
    # Two entities of five applications at 50,000: under a 120,000 cap the third gets
    # 20,000 and the fourth and fifth nothing, for each entity.
    assert result.changes == 6
    assert result.candidates == 3
    assert result.queries > 0
