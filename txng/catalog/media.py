"""Where product images and business logos live: unapproved files under `private/` (never
served), approved ones under `public/` (served by the web server as static files). Approval
moves them into the public path, a takedown moves them back, and removal deletes them; each runs
after the transaction commits, so a rolled-back approval publishes nothing.
"""

PRIVATE = "private/"
PUBLIC = "public/"


def _move(field, src_prefix, dst_prefix):
    """Move the file of `field` from one prefix to the other; True when it moved."""
    name = field.name or ""
    if not name.startswith(src_prefix):
        return False
    storage = field.storage
    target = dst_prefix + name[len(src_prefix) :]
    if storage.exists(name):
        with storage.open(name, "rb") as source:
            target = storage.save(target, source)
        storage.delete(name)
    field.name = target
    return True


def _move_images(product_id, src, dst, **filters):
    from txng.catalog.models import ProductImage

    for image in ProductImage.objects.filter(product_id=product_id, **filters):
        moved = [_move(f, src, dst) for f in (image.image, image.thumb) if f]
        if any(moved):
            image.save(update_fields=["image", "thumb"])


def publish_images(product_id):
    _move_images(product_id, PRIVATE, PUBLIC, approved=True)


def unpublish_images(product_id):
    _move_images(product_id, PUBLIC, PRIVATE)


def _move_logo(business_id, src, dst):
    from txng.catalog.models import BusinessProfile

    profile = BusinessProfile.objects.filter(pk=business_id).first()
    if profile is not None and profile.logo and _move(profile.logo, src, dst):
        profile.save(update_fields=["logo"])


def publish_logo(business_id):
    _move_logo(business_id, PRIVATE, PUBLIC)


def unpublish_logo(business_id):
    _move_logo(business_id, PUBLIC, PRIVATE)


def delete_files(storage, names):
    for name in names:
        if name and storage.exists(name):
            storage.delete(name)
