"""The contract, fuzzed: schemathesis drives every operation of openapi.yaml against the local
stack with every check that applies: no 5xx, responses (status, headers, body) as declared,
requests the schema allows accepted and those it refuses refused, undeclared methods answered
405 with Allow. tests/e2e/schemathesis.toml names, per operation, the refusals the schema cannot
express (opaque cursors, cross-field rules, item bodies).

The fuzz runs in the background from the tier's first test on (tests/e2e/fuzz.py); this test
waits for it and judges it."""

import pytest

from tests.e2e.fuzz import FUZZ_SECONDS, ContractFuzz


@pytest.mark.timeout(FUZZ_SECONDS + 60)
def test_schemathesis_finds_no_difference_between_the_contract_and_the_api(contract_fuzz: ContractFuzz | None):
    # Given the fuzz started with the tier, in a tenant of its own (it rotates the keys it finds)
    assert contract_fuzz is not None, "the contract fuzz did not start"
    # When it has run through every operation
    code, output = contract_fuzz.result()
    # Then it found no difference
    assert code is not None, f"the fuzz did not finish in {FUZZ_SECONDS}s:\n{output[-6000:]}"
    assert code == 0, output[-8000:]
