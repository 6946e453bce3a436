import secrets

from django.db import migrations, models
import django.db.models.deletion

import certificates.models

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def fill(apps, schema_editor):
    """Random serials for existing certificates; each credential's signing key read from
    its VC-JWT header, so its bit goes into that key's status list."""
    import base64
    import json

    Certificate = apps.get_model("certificates", "Certificate")
    IssuerKey = apps.get_model("certificates", "IssuerKey")
    keys = {key.did: key.pk for key in IssuerKey.objects.all()}
    used = set()
    for certificate in Certificate.objects.all().only("pk", "credential"):
        code = ""
        while not code or code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        used.add(code)
        key_id = None
        if certificate.credential:
            head = certificate.credential.split(".", 1)[0]
            try:
                header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
                key_id = keys.get(str(header.get("kid", "")).split("#", 1)[0])
            except ValueError:
                key_id = None
        Certificate.objects.filter(pk=certificate.pk).update(serial_code=code, issuer_key_id=key_id)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_certs_holder_verify_name")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="credential_ld",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="certificate",
            name="issuer_key",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="certificates.issuerkey",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="serial_code",
            field=models.CharField(max_length=10, null=True, editable=False),
        ),
        migrations.AddField(
            model_name="certificate",
            name="reissue_of",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reissued_as",
                to="certificates.certificate",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="serial_code",
            field=models.CharField(
                default=certificates.models.new_serial_code,
                editable=False,
                max_length=10,
                unique=True,
            ),
        ),
    ]
