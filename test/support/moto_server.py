"""moto's server with one fix: stack Outputs after ExecuteChangeSet.

moto 5.2.1 builds a stack's Outputs once, from the template the stack had when
it was made, and its ExecuteChangeSet never rebuilds them (its UpdateStack
does). A stack created through a CREATE change set starts with an empty
template, so DescribeStacks never returns Outputs for it, while CloudFormation
does. This wrapper makes executing a change set do what moto's own
Stack.update does: take the change set's template and rebuild the Outputs from
the resources moto created. Everything else is moto as shipped.

Usage: python3 moto_server.py -H 127.0.0.1 -p PORT  (same flags as moto.server)
"""
import sys

from moto.cloudformation.models import ChangeSet
from moto.server import main

_apply = ChangeSet.apply


def _apply_then_rebuild_outputs(self: ChangeSet) -> None:
    _apply(self)
    self.stack.template = self.template
    self.stack._parse_template()
    self.stack.output_map = self.stack._create_output_map()


ChangeSet.apply = _apply_then_rebuild_outputs

if __name__ == "__main__":
    sys.exit(main())
