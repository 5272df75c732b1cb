"""Small widgets several pages share: the kecamatan/desa chooser, the dashboards' number cards
(the read-only tables are in :mod:`kudus_desktop.gui.record_table`)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QVBoxLayout,
)

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


class CutTextToolTips(QStyledItemDelegate):
    """A cell whose text does not fit its column shows the whole text as its tooltip (a name cut
    to "Sri Wa…" at 1024 px); a cell with its own tooltip keeps it, a cell that fits shows none."""

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if event.type() != QEvent.Type.ToolTip or index.data(Qt.ItemDataRole.ToolTipRole):
            return super().helpEvent(event, view, option, index)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        room = view.visualRect(index).width() - 8  # the cell's own margins
        if text and option.fontMetrics.horizontalAdvance(text) > room:
            QToolTip.showText(event.globalPos(), text, view)
        else:
            QToolTip.hideText()
        return True


class MetricCard(QFrame):
    """A dashboard's number with its title above and a note below. Title and note wrap: six
    cards side by side at 1024 px cut "Desa dengan paket hilang" to "Desa dengan pake"."""

    def __init__(self, title: str, name: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.title = QLabel(title)
        self.title.setObjectName("cardTitle")
        self.value = QLabel("—")
        self.value.setObjectName("cardValue")
        self.value.setProperty("metric", name)
        self.note = QLabel()
        self.note.setObjectName("muted")
        layout = QVBoxLayout(self)
        for label in (self.title, self.value, self.note):
            label.setWordWrap(label is not self.value)
            layout.addWidget(label)
