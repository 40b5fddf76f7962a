"""Uploaded files in an S3-compatible bucket (settings.media_storage). Only files under public/
(re-encoded images shown on public pages) are readable without a signature, so the proxy can
serve /media/public/ straight from the bucket; licences and other private files stay private
and are read by the app after its permission check."""

from storages.backends.s3 import S3Storage


class MediaStorage(S3Storage):
    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        if name.startswith("public/"):
            params["ACL"] = "public-read"
        return params
