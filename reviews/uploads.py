"""Upload size caps applied while the request arrives, not after it was received in full."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from reviews.formats import UnreadableFile, bare_filename, too_large


class CappedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS. Counts the bytes of every uploaded file as they arrive
    and stops reading the request the moment one file passes WORKBENCH_MAX_UPLOAD_BYTES or the
    request as a whole passes WORKBENCH_MAX_REQUEST_BYTES: the rest of the body is never read
    (StopUpload with connection_reset) and nothing of the refused file is kept.

    The refusal is left on the request as `upload_refusal`, a (form field or None, message)
    pair, for the form to show. Fields sent after the refused file are not read either.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_length = content_length
        self.received = 0
        self.request.upload_refusal = None

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.file_received = 0
        if self.request_length > settings.WORKBENCH_MAX_REQUEST_BYTES:
            self.refuse(None, self.request_too_large(self.request_length))

    def receive_data_chunk(self, raw_data, start):
        self.file_received += len(raw_data)
        self.received += len(raw_data)
        if self.file_received > settings.WORKBENCH_MAX_UPLOAD_BYTES:
            name = bare_filename(self.file_name or "")
            self.refuse(self.field_name, too_large(name, settings.WORKBENCH_MAX_UPLOAD_BYTES))
        if self.received > settings.WORKBENCH_MAX_REQUEST_BYTES:
            self.refuse(None, self.request_too_large(self.received))
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory) holds the file

    def refuse(self, field, error):
        self.request.upload_refusal = (field, str(error))
        raise StopUpload(connection_reset=True)

    @staticmethod
    def request_too_large(size):
        """Known from Content-Length before any file is read, so which file is too big is not
        known yet: the message gives both limits."""

        def megabytes(count):
            return f"{count / 1024 / 1024:.3g} MB"

        return UnreadableFile(
            f"This upload is {megabytes(size)}; the limit is "
            f"{megabytes(settings.WORKBENCH_MAX_UPLOAD_BYTES)} per file and "
            f"{megabytes(settings.WORKBENCH_MAX_REQUEST_BYTES)} in all."
        )
