"""Form helpers every app's forms share (presentation-level only, no domain rules)."""


class AccessibleFormMixin:
    """Link every field to its help text and error message (``aria-describedby``, ``aria-invalid``)."""

    def _describe(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}-help")
            if name in (self._errors or {}):
                described.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)
            else:
                field.widget.attrs.pop("aria-describedby", None)
        self._bound_fields_cache.clear()  # a label or choice set later must still show

    def full_clean(self):
        super().full_clean()
        self._describe()

    def error_links(self) -> list[dict]:
        """The error summary: one entry per message, linking to the field at fault."""
        links = [{"href": "", "message": message} for message in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            bound = self[name]
            anchor = bound.auto_id if not bound.field.widget.use_fieldset else f"{bound.auto_id}_0"
            for message in errors:
                links.append({"href": f"#{anchor}", "message": f"{bound.label}: {message}"})
        return links
