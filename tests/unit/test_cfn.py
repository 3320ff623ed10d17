from pathlib import Path

import pytest

from local.cfn import Resolver, UnresolvableIntrinsic, load_template


def test_short_intrinsic_tags_load_as_their_long_forms(tmp_path: Path):
    # Given a template using !Ref, !GetAtt and !Sub
    path = tmp_path / "t.yaml"
    path.write_text("A: !Ref Table\nB: !GetAtt Fn.Arn\nC: !Sub '${Table}-x'\nD: !Sub ['${V}', {V: !Ref Table}]\n")
    # When loaded
    document = load_template(path)
    # Then each tag is its Fn:: form
    assert document == {
        "A": {"Ref": "Table"},
        "B": {"Fn::GetAtt": ["Fn", "Arn"]},
        "C": {"Fn::Sub": "${Table}-x"},
        "D": {"Fn::Sub": ["${V}", {"V": {"Ref": "Table"}}]},
    }


def test_the_resolver_fills_refs_attributes_and_subs():
    resolver = Resolver({"Table": "t1", "AWS::Region": "us-east-1"}, {("Fn", "Arn"): "arn:fn", ("Sm", "Name"): "sm"})
    value = {
        "a": {"Ref": "Table"},
        "b": [{"Fn::GetAtt": ["Fn", "Arn"]}],
        "c": {"Fn::Sub": "arn:${AWS::Region}:${Sm.Name}:${Table}"},
        "d": {"Fn::Sub": ["${X}!", {"X": {"Ref": "Table"}}]},
    }
    assert resolver.resolve(value) == {"a": "t1", "b": ["arn:fn"], "c": "arn:us-east-1:sm:t1", "d": "t1!"}


def test_an_unknown_reference_fails_loudly():
    with pytest.raises(UnresolvableIntrinsic):
        Resolver({}, {}).resolve({"Ref": "Nope"})


def test_an_alias_reference_resolves_to_the_alias_arn(tmp_path: Path):
    # Given a template whose Globals publish every function under an alias
    from local.deploy import _names
    from local.template import read_template

    (tmp_path / "template.yaml").write_text(
        "Globals:\n  Function:\n    AutoPublishAlias: live\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: fn/}\n"
    )
    template = read_template(tmp_path)
    # When `!Ref Fn.Alias` is resolved, as a state machine's substitution would be
    resolved = _names(template, "s").resolve({"Ref": "Fn.Alias"})
    # Then it is the alias ARN, which is also what the function's invokers call
    assert template.functions["Fn"].alias == "live"
    assert resolved == "arn:aws:lambda:us-east-1:123456789012:function:s-Fn:live"
