"""File storage for uploads that never leaves half a file behind.

Django's FileSystemStorage writes straight to the final name, so a full disk (or a killed
worker) leaves a truncated file that looks like a real attachment. Here a file is written under
a temporary name in the same folder and linked to its final name only when complete.
"""

import contextlib
import os
import uuid

from django.core.files.storage import FileSystemStorage


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        temporary = f"{name}.deel-{uuid.uuid4().hex}"
        try:
            temporary = super()._save(temporary, content)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(self.path(temporary))
            raise
        try:
            for _ in range(10):
                final = self.get_available_name(name)
                try:
                    # link() refuses an existing name, as the O_EXCL open of the parent does.
                    os.link(self.path(temporary), self.path(final))
                except FileExistsError:
                    continue
                return final
            raise FileExistsError(f"Geen vrije naam voor {name}.")
        finally:
            with contextlib.suppress(OSError):
                os.remove(self.path(temporary))
