"""Small widgets several pages share: the kecamatan/desa chooser (the read-only tables are in
:mod:`kudus_desktop.gui.record_table`)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox

from kudus_desktop.core.rules.regions import kecamatan_list, villages_of


def compact(combo: QComboBox, characters: int = 9) -> QComboBox:
    """A combo box that asks for room for ``characters`` letters, not for its longest item: a row
    of filters then fits a 1024-pixel screen (the open list still shows every item whole)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    fit_popup(combo)
    return combo


def fit_popup(combo: QComboBox) -> None:
    """The open list as wide as its longest item (call again after the items change)."""
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)


def area_combo(name: str, all_text: str) -> QComboBox:
    """Every kecamatan of the regency followed by its desa; the data is the region code."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(all_text, "")
    for kec in kecamatan_list():
        combo.addItem(QCoreApplication.translate("Wilayah", "Kec. {name}").format(name=kec.name), kec.code)
        for desa in villages_of(kec.code):
            combo.addItem(f"    {desa.name}", desa.code)
    return combo
