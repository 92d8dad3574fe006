"""core.forms.QuickSelect: the same <select> as Django's, without a template per option."""

import re

from django import forms

from core.forms import QuickSelect

CHOICES = [("", "All"), ("x<y", 'X & <b>"quoted"</b>'), ("2", "Hai"), ("20", "Hai mươi")]


class Both(forms.Form):
    slow = forms.ChoiceField(choices=CHOICES, required=True)
    quick = forms.ChoiceField(choices=CHOICES, required=True, widget=QuickSelect)


def _markup(form: forms.Form, name: str) -> str:
    """The field's HTML without whitespace between tags, the select's attributes in a fixed order."""
    html = str(form[name]).replace(f"id_{name}", "id").replace(f'name="{name}"', 'name="n"')
    html = re.sub(r">\s+<", "><", html).strip()
    opening, rest = html.split(">", 1)
    attributes = sorted(re.findall(r'[\w-]+(?:="[^"]*")?', opening.removeprefix("<select")))
    return f"<select {' '.join(attributes)}>{rest}"


def test_it_renders_what_django_s_select_renders_selected_escaped_and_described():
    form = Both({"slow": "2", "quick": "2"})
    for name in ("slow", "quick"):
        form.fields[name].widget.attrs["aria-describedby"] = "help"

    assert _markup(form, "quick") == _markup(form, "slow")
    assert '<option value="2" selected>Hai</option>' in _markup(form, "quick")
    assert '<option value="20">' in _markup(form, "quick")  # "2" selects "2", not "20"
    assert "X &amp; &lt;b&gt;&quot;quoted&quot;&lt;/b&gt;" in _markup(form, "quick")
    assert _markup(form, "quick").startswith('<select aria-describedby="help" id="id" name="n" required>')


def test_an_unbound_form_selects_nothing_but_the_initial_value():
    form = Both(initial={"quick": "x<y", "slow": "x<y"})

    assert _markup(form, "quick") == _markup(form, "slow")
    assert '<option value="x&lt;y" selected>' in _markup(form, "quick")
