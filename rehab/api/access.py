"""One object, two views: the permission that asks an action's predicate of an object's case,
and the viewset mixin that represents each object with its clinical or its summary serializer."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions, serializers


class CasePredicate(permissions.BasePermission):
    """Object-level: the action's predicate (`view.action_predicates`) must hold on the case.

    The object was found in the caller's scope, so they are on its case: refusing here is a 403
    (they may see it, not do this to it), never a hint about cases they are not on.
    """

    message = "Your role on this case does not allow this."

    def has_object_permission(self, request, view, obj) -> bool:
        predicate = getattr(view, "action_predicates", {}).get(view.action)
        if predicate is None:
            return True
        return view.scope.allows(predicate, view.case_id_of(obj))


class ByAccessListSerializer(serializers.ListSerializer):
    """Represents each row with the clinical or the summary serializer, as the row's case allows."""

    def to_representation(self, data):
        view = self.context["view"]
        rows = data.all() if hasattr(data, "all") else data
        return [view.serializer_for(row).to_representation(row) for row in rows]


class AccessViewMixin:
    """Reads choose the clinical or the summary serializer per object (`sees_clinical`)."""

    clinical_serializer_class: type[serializers.Serializer]
    summary_serializer_class: type[serializers.Serializer]

    def sees_clinical(self, obj) -> bool:
        raise NotImplementedError

    def serializer_class_for(self, obj) -> type[serializers.Serializer]:
        if self.sees_clinical(obj):
            return self.clinical_serializer_class
        return self.summary_serializer_class

    def serializer_for(self, obj) -> serializers.Serializer:
        """An unbound serializer of the right class for `obj`, one per class and request."""
        cls = self.serializer_class_for(obj)
        cache = self.__dict__.setdefault("_serializers", {})
        if cls not in cache:
            cache[cls] = cls(context=self.get_serializer_context())
        return cache[cls]

    def represent(self, obj) -> dict[str, Any]:
        return self.serializer_for(obj).to_representation(obj)

    def get_serializer(self, *args, **kwargs):
        instance = args[0] if args else kwargs.get("instance")
        if "data" in kwargs or instance is None:
            return super().get_serializer(*args, **kwargs)
        context = self.get_serializer_context()
        if kwargs.get("many"):
            return ByAccessListSerializer(
                instance, child=self.summary_serializer_class(), context=context
            )
        return self.serializer_class_for(instance)(instance, context=context)
