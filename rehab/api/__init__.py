"""What every endpoint of the REST API shares: the router, paging, the two views of an object,
filters, the schema, tokens and idempotent retries.

The viewsets live in their apps (`athletes.api`, `protocols.api`, `monitoring.api`), on the
caller's scope of cases (`athletes.api.base.ScopedViewMixin`); `rehab.api_urls` registers them
on `router` under /api/v1/.

Deny by default: every request must be authenticated, every queryset is scoped to the caller's
cases, so a foreign object is a 404; a case the caller is on but may not act on in this way is
a 403, decided by the `athletes.permissions` predicates. Every error body has the same shape,
`{"detail": ..., "errors": {...}}` (see `rehab.errors`).
"""

from rehab.api.access import AccessViewMixin, ByAccessListSerializer, CasePredicate
from rehab.api.fields import SlugRelatedField, access_field, clinical_access, summary_access
from rehab.api.filters import MAX_UTC_OFFSET, IdField, IdFilter, IsoDateTimeField, IsoDateTimeFilter
from rehab.api.idempotency import (
    IDEMPOTENCY_CONFLICT,
    IDEMPOTENCY_KEY,
    IDEMPOTENCY_TTL,
    Conflict,
    idempotent,
)
from rehab.api.routing import Pagination, Router, router
from rehab.api.schema import (
    ERROR_RESPONSES,
    AutoSchema,
    BulkItemResultSerializer,
    BulkResultSerializer,
    ErrorSerializer,
)
from rehab.api.tokens import TokenResponseSerializer, TokenView

__all__ = [
    "ERROR_RESPONSES",
    "IDEMPOTENCY_CONFLICT",
    "IDEMPOTENCY_KEY",
    "IDEMPOTENCY_TTL",
    "MAX_UTC_OFFSET",
    "AccessViewMixin",
    "AutoSchema",
    "BulkItemResultSerializer",
    "BulkResultSerializer",
    "ByAccessListSerializer",
    "CasePredicate",
    "Conflict",
    "ErrorSerializer",
    "IdField",
    "IdFilter",
    "IsoDateTimeField",
    "IsoDateTimeFilter",
    "Pagination",
    "Router",
    "SlugRelatedField",
    "TokenResponseSerializer",
    "TokenView",
    "access_field",
    "clinical_access",
    "idempotent",
    "router",
    "summary_access",
]
