"""Git merge driver for the catalogs: two branches that each added strings merge without conflict.

Catalogs are written sorted and without locations, so concurrent additions are independent: the union of both
sides' messages (a translation on either side wins over an empty one) is the merge. Run `make i18n-extract`
afterwards to drop what the code no longer uses. Register once per clone:

    git config merge.pounion.driver "python3 translations/merge_po.py %O %A %B"

(`.gitattributes` routes `*.po` to it; without the registration git merges the files as text)."""
import sys
from io import BytesIO

from babel.messages.pofile import read_po, write_po


def _read(path):
    with open(path, "rb") as fh:
        return read_po(fh)


def merge(base_path, ours_path, theirs_path):
    ours, theirs = _read(ours_path), _read(theirs_path)
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id, message.context)
        if mine is None:
            ours[message.id] = message
        elif not mine.string or (isinstance(mine.string, tuple) and not any(mine.string)):
            mine.string = message.string
    buffer = BytesIO()
    write_po(buffer, ours, omit_header=False, no_location=True, width=120, sort_output=True)
    with open(ours_path, "wb") as fh:
        fh.write(buffer.getvalue())


if __name__ == "__main__":
    merge(*sys.argv[1:4])
