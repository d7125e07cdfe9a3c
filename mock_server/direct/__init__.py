"""The direct path: a request Connexion would accept, served by a pipeline prepared per operation.

Connexion's request pipeline costs about 200 µs before any handler runs (two routings, a request
object and URI parser built several times, query parameters parsed twice, context proxies). Here
each operation of a spec is prepared once — its route, parameters with their converters and
compiled validators, security, body schema, handler arguments and response validators — and a
request it is certain about is served in one step.

"Certain" is the rule that keeps answers identical: the direct path serves a request only when
Connexion would accept it (a known bearer token, only documented query parameters, each one
converted and accepted by its compiled schema, no Prefer header, a JSON body where one is expected)
and hands everything else, untouched, to Connexion, which stays the authority on every rejection
and its wording. After the handler has run, a response the compiled validator does not accept goes
through Connexion's own response validation. A differential test drives both paths with the same
generated requests and compares every answer.

The CarOwner API is prepared by the engine; an API pack offers its operations by returning a
`DirectApi` from its `mount` (its spec as added, its handlers, its base path).
"""

from .fast_lane import FastLaneMiddleware
from .middleware import DirectPath, DirectPathMiddleware
from .plan import DirectApi, DirectOperation, Envelope, prepare_api, prepare_operations
from .reuse import AnswerCache
from .wire import WireAnswers

__all__ = [
    "AnswerCache",
    "DirectApi",
    "DirectOperation",
    "DirectPath",
    "DirectPathMiddleware",
    "Envelope",
    "FastLaneMiddleware",
    "WireAnswers",
    "prepare_api",
    "prepare_operations",
]
