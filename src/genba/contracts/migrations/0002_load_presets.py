"""Load the two policy presets (rulebook §8) as rows: every install has them, and they stay editable."""

from django.db import migrations


def load(apps, schema_editor):
    from genba.contracts.models import PRESET_KEYS, Policy as LivePolicy, load_preset

    Policy = apps.get_model("contracts", "Policy")
    # Only the fields this migration's model has: settings added later get their defaults then.
    known = {f.name for f in Policy._meta.concrete_fields}
    for key in PRESET_KEYS:
        if not Policy.objects.filter(key=key).exists():
            values = LivePolicy.fields_from_preset(load_preset(key))
            Policy.objects.create(key=key, **{k: v for k, v in values.items() if k in known})


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
