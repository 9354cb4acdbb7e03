"""moto's server with one fix: stack Outputs after ExecuteChangeSet.

moto 5.2.1 builds a stack's Outputs once, from the template the stack had when
it was made, and its ExecuteChangeSet never rebuilds them (its UpdateStack
does). A stack created through a CREATE change set starts with an empty
template, so DescribeStacks never returns Outputs for it, while CloudFormation
does. This wrapper makes executing a change set do what moto's own
Stack.update does: take the change set's template and rebuild the Outputs from
the resources moto created.

An output moto cannot evaluate because it reads a resource type moto does not
model (AWS::CloudFront::Function, for one) is left out, as moto already does
for attributes it does not implement; otherwise DescribeStacks would fail.
Everything else is moto as shipped.

Usage: python3 moto_server.py -H 127.0.0.1 -p PORT  (same flags as moto.server)
"""
import sys

from moto.cloudformation.models import ChangeSet
from moto.server import main


def _evaluable_outputs(stack):
    output_map = stack._create_output_map()
    evaluable = {}
    for key in output_map.outputs:
        try:
            output_map[key]
        except Exception:  # moto's errors for unmodelled resources vary by type
            continue
        evaluable[key] = output_map._output_json_map[key]
    # A copy: the template itself must stay whole for moto's no-change check.
    output_map._output_json_map = evaluable
    return output_map


_apply = ChangeSet.apply


def _apply_then_rebuild_outputs(self: ChangeSet) -> None:
    _apply(self)
    self.stack.template = self.template
    self.stack._parse_template()
    self.stack.output_map = _evaluable_outputs(self.stack)


ChangeSet.apply = _apply_then_rebuild_outputs

if __name__ == "__main__":
    sys.exit(main())
