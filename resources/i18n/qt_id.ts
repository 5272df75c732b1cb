<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="id_ID" sourcelanguage="en">
    <context>
        <name>QAbstractSpinBox</name>
        <message>
            <source>&amp;Select All</source>
            <translation>&amp;Pilih semua</translation>
        </message>
        <message>
            <source>&amp;Step up</source>
            <translation>&amp;Naik</translation>
        </message>
        <message>
            <source>Step &amp;down</source>
            <translation>&amp;Turun</translation>
        </message>
    </context>
    <context>
        <name>QComboBox</name>
        <message>
            <source>False</source>
            <translation>Tidak</translation>
        </message>
        <message>
            <source>True</source>
            <translation>Ya</translation>
        </message>
        <message>
            <source>Open the combo box selection popup</source>
            <translation>Buka daftar pilihan</translation>
        </message>
    </context>
    <context>
        <name>QDialogButtonBox</name>
        <message>
            <source>OK</source>
            <translation>OK</translation>
        </message>
    </context>
    <context>
        <name>QInputDialog</name>
        <message>
            <source>Enter a value:</source>
            <translation>Masukkan nilai:</translation>
        </message>
    </context>
    <context>
        <name>QLineEdit</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;Urungkan</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>&amp;Ulangi</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>Po&amp;tong</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>&amp;Salin</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>&amp;Tempel</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Hapus</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>Pilih semua</translation>
        </message>
    </context>
    <context>
        <name>QWidgetTextControl</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;Urungkan</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>&amp;Ulangi</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>Po&amp;tong</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>&amp;Salin</translation>
        </message>
        <message>
            <source>Copy &amp;Link Location</source>
            <translation>Salin alamat &amp;tautan</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>&amp;Tempel</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Hapus</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>Pilih semua</translation>
        </message>
    </context>
    <context>
        <name>QMessageBox</name>
        <message>
            <source>Show Details...</source>
            <translation>Tampilkan rincian…</translation>
        </message>
        <message>
            <source>Hide Details...</source>
            <translation>Sembunyikan rincian…</translation>
        </message>
        <message>
            <source>About Qt</source>
            <translation>Tentang Qt</translation>
        </message>
        <message>
            <source>&lt;h3&gt;About Qt&lt;/h3&gt;&lt;p&gt;This program uses Qt version %1.&lt;/p&gt;</source>
            <translation>&lt;h3&gt;Tentang Qt&lt;/h3&gt;&lt;p&gt;Program ini memakai Qt versi %1.&lt;/p&gt;</translation>
        </message>
    </context>
    <context>
        <name>QPlatformTheme</name>
        <message>
            <source>OK</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>Simpan</translation>
        </message>
        <message>
            <source>Save All</source>
            <translation>Simpan semua</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Buka</translation>
        </message>
        <message>
            <source>&amp;Yes</source>
            <translation>&amp;Ya</translation>
        </message>
        <message>
            <source>Yes to &amp;All</source>
            <translation>Ya untuk &amp;semua</translation>
        </message>
        <message>
            <source>&amp;No</source>
            <translation>&amp;Tidak</translation>
        </message>
        <message>
            <source>N&amp;o to All</source>
            <translation>T&amp;idak untuk semua</translation>
        </message>
        <message>
            <source>Abort</source>
            <translation>Hentikan</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>Coba lagi</translation>
        </message>
        <message>
            <source>Ignore</source>
            <translation>Abaikan</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Tutup</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Batal</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Buang</translation>
        </message>
        <message>
            <source>Help</source>
            <translation>Bantuan</translation>
        </message>
        <message>
            <source>Apply</source>
            <translation>Terapkan</translation>
        </message>
        <message>
            <source>Reset</source>
            <translation>Atur ulang</translation>
        </message>
        <message>
            <source>Restore Defaults</source>
            <translation>Kembalikan bawaan</translation>
        </message>
    </context>
    <context>
        <name>QPrintPreviewDialog</name>
        <message>
            <source>Page Setup</source>
            <translation>Pengaturan halaman</translation>
        </message>
        <message>
            <source>%1%</source>
            <translation>%1%</translation>
        </message>
        <message>
            <source>Print Preview</source>
            <translation>Pratinjau cetak</translation>
        </message>
        <message>
            <source>Next page</source>
            <translation>Halaman berikutnya</translation>
        </message>
        <message>
            <source>Previous page</source>
            <translation>Halaman sebelumnya</translation>
        </message>
        <message>
            <source>First page</source>
            <translation>Halaman pertama</translation>
        </message>
        <message>
            <source>Last page</source>
            <translation>Halaman terakhir</translation>
        </message>
        <message>
            <source>Fit width</source>
            <translation>Selebar jendela</translation>
        </message>
        <message>
            <source>Fit page</source>
            <translation>Satu halaman penuh</translation>
        </message>
        <message>
            <source>Zoom in</source>
            <translation>Perbesar</translation>
        </message>
        <message>
            <source>Zoom out</source>
            <translation>Perkecil</translation>
        </message>
        <message>
            <source>Portrait</source>
            <translation>Tegak</translation>
        </message>
        <message>
            <source>Landscape</source>
            <translation>Melintang</translation>
        </message>
        <message>
            <source>Show single page</source>
            <translation>Tampilkan satu halaman</translation>
        </message>
        <message>
            <source>Show facing pages</source>
            <translation>Tampilkan dua halaman berhadapan</translation>
        </message>
        <message>
            <source>Show overview of all pages</source>
            <translation>Tampilkan semua halaman</translation>
        </message>
        <message>
            <source>Print</source>
            <translation>Cetak</translation>
        </message>
        <message>
            <source>Page setup</source>
            <translation>Pengaturan halaman</translation>
        </message>
        <message>
            <source>Export to PDF</source>
            <translation>Ekspor ke PDF</translation>
        </message>
    </context>
    <context>
        <name>QProgressDialog</name>
        <message>
            <source>Cancel</source>
            <translation>Batal</translation>
        </message>
    </context>
    <context>
        <name>QFileDialog</name>
        <message>
            <source>Look in:</source>
            <translation>Lihat di:</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Kembali</translation>
        </message>
        <message>
            <source>Go back</source>
            <translation>Kembali</translation>
        </message>
        <message>
            <source>Forward</source>
            <translation>Maju</translation>
        </message>
        <message>
            <source>Go forward</source>
            <translation>Maju</translation>
        </message>
        <message>
            <source>Parent Directory</source>
            <translation>Folder di atasnya</translation>
        </message>
        <message>
            <source>Go to the parent directory</source>
            <translation>Ke folder di atasnya</translation>
        </message>
        <message>
            <source>Create New Folder</source>
            <translation>Buat folder baru</translation>
        </message>
        <message>
            <source>Create a New Folder</source>
            <translation>Buat folder baru</translation>
        </message>
        <message>
            <source>List View</source>
            <translation>Tampilan daftar</translation>
        </message>
        <message>
            <source>Change to list view mode</source>
            <translation>Ganti ke tampilan daftar</translation>
        </message>
        <message>
            <source>Detail View</source>
            <translation>Tampilan rinci</translation>
        </message>
        <message>
            <source>Change to detail view mode</source>
            <translation>Ganti ke tampilan rinci</translation>
        </message>
        <message>
            <source>Sidebar</source>
            <translation>Panel samping</translation>
        </message>
        <message>
            <source>List of places and bookmarks</source>
            <translation>Daftar tempat dan penanda</translation>
        </message>
        <message>
            <source>Files</source>
            <translation>Berkas</translation>
        </message>
        <message>
            <source>Files of type:</source>
            <translation>Jenis berkas:</translation>
        </message>
        <message>
            <source>Find Directory</source>
            <translation>Cari folder</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Buka</translation>
        </message>
        <message>
            <source>Save As</source>
            <translation>Simpan sebagai</translation>
        </message>
        <message>
            <source>Directory:</source>
            <translation>Folder:</translation>
        </message>
        <message>
            <source>File &amp;name:</source>
            <translation>&amp;Nama berkas:</translation>
        </message>
        <message>
            <source>&amp;Open</source>
            <translation>&amp;Buka</translation>
        </message>
        <message>
            <source>&amp;Choose</source>
            <translation>&amp;Pilih</translation>
        </message>
        <message>
            <source>&amp;Save</source>
            <translation>&amp;Simpan</translation>
        </message>
        <message>
            <source>All Files (*)</source>
            <translation>Semua berkas (*)</translation>
        </message>
        <message>
            <source>Show </source>
            <translation>Tampilkan </translation>
        </message>
        <message>
            <source>&amp;Rename</source>
            <translation>&amp;Ganti nama</translation>
        </message>
        <message>
            <source>&amp;Delete</source>
            <translation>&amp;Hapus</translation>
        </message>
        <message>
            <source>Show &amp;hidden files</source>
            <translation>Tampilkan berkas &amp;tersembunyi</translation>
        </message>
        <message>
            <source>&amp;New Folder</source>
            <translation>Folder &amp;baru</translation>
        </message>
        <message>
            <source>All files (*)</source>
            <translation>Semua berkas (*)</translation>
        </message>
        <message>
            <source>Directories</source>
            <translation>Folder</translation>
        </message>
        <message>
            <source>%1
Directory not found.
Please verify the correct directory name was given.</source>
            <translation>%1
Folder tidak ditemukan.
Periksa apakah nama foldernya benar.</translation>
        </message>
        <message>
            <source>%1 already exists.
Do you want to replace it?</source>
            <translation>%1 sudah ada.
Ganti dengan yang baru?</translation>
        </message>
        <message>
            <source>%1
File not found.
Please verify the correct file name was given.</source>
            <translation>%1
Berkas tidak ditemukan.
Periksa apakah nama berkasnya benar.</translation>
        </message>
        <message>
            <source>'%1' is write protected.
Do you want to delete it anyway?</source>
            <translation>'%1' dilindungi dari perubahan.
Tetap hapus?</translation>
        </message>
        <message>
            <source>New Folder</source>
            <translation>Folder baru</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Hapus</translation>
        </message>
        <message>
            <source>Are you sure you want to delete '%1'?</source>
            <translation>Yakin menghapus '%1'?</translation>
        </message>
        <message>
            <source>Could not delete directory.</source>
            <translation>Folder tidak dapat dihapus.</translation>
        </message>
        <message>
            <source>Recent Places</source>
            <translation>Tempat terakhir</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>Hapus dari daftar</translation>
        </message>
        <message>
            <source>Alt+Left</source>
            <translation>Alt+Left</translation>
        </message>
        <message>
            <source>Alt+Right</source>
            <translation>Alt+Right</translation>
        </message>
        <message>
            <source>Alt+Up</source>
            <translation>Alt+Up</translation>
        </message>
        <message>
            <source>&amp;Look in:</source>
            <translation>&amp;Cari di:</translation>
        </message>
        <message>
            <source>Files of &amp;type:</source>
            <translation>&amp;Jenis berkas:</translation>
        </message>
    </context>
    <context>
        <name>QFileSystemModel</name>
        <message>
            <source>Name</source>
            <translation>Nama</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>Ukuran</translation>
        </message>
        <message>
            <source>Kind</source>
            <comment>Match OS X Finder</comment>
            <translation>Jenis</translation>
        </message>
        <message>
            <source>Type</source>
            <comment>All other platforms</comment>
            <translation>Jenis</translation>
        </message>
        <message>
            <source>Date Modified</source>
            <translation>Tanggal diubah</translation>
        </message>
        <message>
            <source>My Computer</source>
            <translation>Komputer saya</translation>
        </message>
        <message>
            <source>Computer</source>
            <translation>Komputer</translation>
        </message>
    </context>
    <context>
        <name>QUnicodeControlCharacterMenu</name>
        <message>
            <source>LRM Left-to-right mark</source>
            <translation>LRM Tanda kiri-ke-kanan</translation>
        </message>
        <message>
            <source>RLM Right-to-left mark</source>
            <translation>RLM Tanda kanan-ke-kiri</translation>
        </message>
        <message>
            <source>ZWJ Zero width joiner</source>
            <translation>ZWJ Penyambung tanpa lebar</translation>
        </message>
        <message>
            <source>ZWNJ Zero width non-joiner</source>
            <translation>ZWNJ Pemisah tanpa lebar</translation>
        </message>
        <message>
            <source>ZWSP Zero width space</source>
            <translation>ZWSP Spasi tanpa lebar</translation>
        </message>
        <message>
            <source>LRE Start of left-to-right embedding</source>
            <translation>LRE Awal sisipan kiri-ke-kanan</translation>
        </message>
        <message>
            <source>RLE Start of right-to-left embedding</source>
            <translation>RLE Awal sisipan kanan-ke-kiri</translation>
        </message>
        <message>
            <source>LRO Start of left-to-right override</source>
            <translation>LRO Awal paksaan kiri-ke-kanan</translation>
        </message>
        <message>
            <source>RLO Start of right-to-left override</source>
            <translation>RLO Awal paksaan kanan-ke-kiri</translation>
        </message>
        <message>
            <source>PDF Pop directional formatting</source>
            <translation>PDF Akhir format arah</translation>
        </message>
        <message>
            <source>LRI Left-to-right isolate</source>
            <translation>LRI Isolasi kiri-ke-kanan</translation>
        </message>
        <message>
            <source>RLI Right-to-left isolate</source>
            <translation>RLI Isolasi kanan-ke-kiri</translation>
        </message>
        <message>
            <source>FSI First strong isolate</source>
            <translation>FSI Isolasi arah pertama</translation>
        </message>
        <message>
            <source>PDI Pop directional isolate</source>
            <translation>PDI Akhir isolasi arah</translation>
        </message>
        <message>
            <source>Insert Unicode control character</source>
            <translation>Sisipkan karakter kendali Unicode</translation>
        </message>
    </context>
    <context>
        <name>QAbstractFileIconProvider</name>
        <message>
            <source>Drive</source>
            <translation>Drive</translation>
        </message>
        <message>
            <source>Folder</source>
            <translation>Folder</translation>
        </message>
    </context>
    <context>
        <name>QPageSetupWidget</name>
        <message>
            <source>Cicero (CC)</source>
            <translation>Cicero (CC)</translation>
        </message>
        <message>
            <source>Custom</source>
            <translation>Ukuran lain</translation>
        </message>
        <message>
            <source>Didot (DD)</source>
            <translation>Didot (DD)</translation>
        </message>
        <message>
            <source>Form</source>
            <translation>Formulir</translation>
        </message>
        <message>
            <source>Height:</source>
            <translation>Tinggi:</translation>
        </message>
        <message>
            <source>Inches (in)</source>
            <translation>Inci (in)</translation>
        </message>
        <message>
            <source>Landscape</source>
            <translation>Melintang</translation>
        </message>
        <message>
            <source>Margins</source>
            <translation>Margin</translation>
        </message>
        <message>
            <source>Millimeters (mm)</source>
            <translation>Milimeter (mm)</translation>
        </message>
        <message>
            <source>Orientation</source>
            <translation>Orientasi</translation>
        </message>
        <message>
            <source>Page &amp;order:</source>
            <translation>&amp;Urutan halaman:</translation>
        </message>
        <message>
            <source>Page Layout</source>
            <translation>Tata letak halaman</translation>
        </message>
        <message>
            <source>Page size:</source>
            <translation>Ukuran halaman:</translation>
        </message>
        <message>
            <source>Pages &amp;per sheet:</source>
            <translation>Halaman &amp;per lembar:</translation>
        </message>
        <message>
            <source>Paper</source>
            <translation>Kertas</translation>
        </message>
        <message>
            <source>Paper source:</source>
            <translation>Sumber kertas:</translation>
        </message>
        <message>
            <source>Pica (P̸)</source>
            <translation>Pica (P̸)</translation>
        </message>
        <message>
            <source>Points (pt)</source>
            <translation>Poin (pt)</translation>
        </message>
        <message>
            <source>Portrait</source>
            <translation>Tegak</translation>
        </message>
        <message>
            <source>Reverse landscape</source>
            <translation>Melintang terbalik</translation>
        </message>
        <message>
            <source>Reverse portrait</source>
            <translation>Tegak terbalik</translation>
        </message>
        <message>
            <source>Width:</source>
            <translation>Lebar:</translation>
        </message>
        <message>
            <source>bottom margin</source>
            <translation>margin bawah</translation>
        </message>
        <message>
            <source>left margin</source>
            <translation>margin kiri</translation>
        </message>
        <message>
            <source>mm</source>
            <translation>mm</translation>
        </message>
        <message>
            <source>right margin</source>
            <translation>margin kanan</translation>
        </message>
        <message>
            <source>top margin</source>
            <translation>margin atas</translation>
        </message>
    </context>
    <context>
        <name>QPrintDialog</name>
        <message>
            <source>&amp;Options &gt;&gt;</source>
            <translation>&amp;Pilihan &gt;&gt;</translation>
        </message>
        <message>
            <source>&amp;Options &lt;&lt;</source>
            <translation>&amp;Pilihan &lt;&lt;</translation>
        </message>
        <message>
            <source>&amp;Print</source>
            <translation>&amp;Cetak</translation>
        </message>
        <message>
            <source>1 (1x1)</source>
            <translation>1 (1x1)</translation>
        </message>
        <message>
            <source>16 (4x4)</source>
            <translation>16 (4x4)</translation>
        </message>
        <message>
            <source>2 (2x1)</source>
            <translation>2 (2x1)</translation>
        </message>
        <message>
            <source>4 (2x2)</source>
            <translation>4 (2x2)</translation>
        </message>
        <message>
            <source>6 (2x3)</source>
            <translation>6 (2x3)</translation>
        </message>
        <message>
            <source>9 (3x3)</source>
            <translation>9 (3x3)</translation>
        </message>
        <message>
            <source>All Pages</source>
            <translation>Semua halaman</translation>
        </message>
        <message>
            <source>Bottom to Top, Left to Right</source>
            <translation>Bawah ke atas, kiri ke kanan</translation>
        </message>
        <message>
            <source>Bottom to Top, Right to Left</source>
            <translation>Bawah ke atas, kanan ke kiri</translation>
        </message>
        <message>
            <source>Even Pages</source>
            <translation>Halaman genap</translation>
        </message>
        <message>
            <source>Left to Right, Bottom to Top</source>
            <translation>Kiri ke kanan, bawah ke atas</translation>
        </message>
        <message>
            <source>Left to Right, Top to Bottom</source>
            <translation>Kiri ke kanan, atas ke bawah</translation>
        </message>
        <message>
            <source>Local file</source>
            <translation>Berkas di komputer ini</translation>
        </message>
        <message>
            <source>Odd Pages</source>
            <translation>Halaman ganjil</translation>
        </message>
        <message>
            <source>Print</source>
            <translation>Cetak</translation>
        </message>
        <message>
            <source>Print to File (PDF)</source>
            <translation>Cetak ke berkas (PDF)</translation>
        </message>
        <message>
            <source>Right to Left, Bottom to Top</source>
            <translation>Kanan ke kiri, bawah ke atas</translation>
        </message>
        <message>
            <source>Right to Left, Top to Bottom</source>
            <translation>Kanan ke kiri, atas ke bawah</translation>
        </message>
        <message>
            <source>Top to Bottom, Left to Right</source>
            <translation>Atas ke bawah, kiri ke kanan</translation>
        </message>
        <message>
            <source>Top to Bottom, Right to Left</source>
            <translation>Atas ke bawah, kanan ke kiri</translation>
        </message>
        <message>
            <source>Write PDF file</source>
            <translation>Tulis berkas PDF</translation>
        </message>
        <message>
            <source>Print range</source>
            <translation>Halaman yang dicetak</translation>
        </message>
        <message>
            <source>Print current page</source>
            <translation>Cetak halaman ini</translation>
        </message>
        <message>
            <source>Print selection</source>
            <translation>Cetak pilihan</translation>
        </message>
        <message>
            <source>Print all</source>
            <translation>Cetak semua</translation>
        </message>
        <message>
            <source>Pages from</source>
            <translation>Halaman dari</translation>
        </message>
        <message>
            <source>to</source>
            <translation>sampai</translation>
        </message>
    </context>
    <context>
        <name>QPrintSettingsOutput</name>
        <message>
            <source>Collate</source>
            <translation>Susun per rangkap</translation>
        </message>
        <message>
            <source>Color</source>
            <translation>Berwarna</translation>
        </message>
        <message>
            <source>Color Mode</source>
            <translation>Warna</translation>
        </message>
        <message>
            <source>Copies</source>
            <translation>Rangkap</translation>
        </message>
        <message>
            <source>Copies:</source>
            <translation>Rangkap:</translation>
        </message>
        <message>
            <source>Current Page</source>
            <translation>Halaman ini</translation>
        </message>
        <message>
            <source>Double Sided Printing</source>
            <translation>Cetak bolak-balik</translation>
        </message>
        <message>
            <source>Form</source>
            <translation>Formulir</translation>
        </message>
        <message>
            <source>Grayscale</source>
            <translation>Hitam putih</translation>
        </message>
        <message>
            <source>Long side binding</source>
            <translation>Dijilid di sisi panjang</translation>
        </message>
        <message>
            <source>Off</source>
            <translation>Mati</translation>
        </message>
        <message>
            <source>Options</source>
            <translation>Pilihan</translation>
        </message>
        <message>
            <source>Output Settings</source>
            <translation>Pengaturan keluaran</translation>
        </message>
        <message>
            <source>Page &amp;Set:</source>
            <translation>&amp;Kumpulan halaman:</translation>
        </message>
        <message>
            <source>Pages</source>
            <translation>Halaman</translation>
        </message>
        <message>
            <source>Pages from</source>
            <translation>Halaman dari</translation>
        </message>
        <message>
            <source>Print all</source>
            <translation>Cetak semua</translation>
        </message>
        <message>
            <source>Print range</source>
            <translation>Halaman yang dicetak</translation>
        </message>
        <message>
            <source>Reverse</source>
            <translation>Urutan terbalik</translation>
        </message>
        <message>
            <source>Selection</source>
            <translation>Pilihan</translation>
        </message>
        <message>
            <source>Short side binding</source>
            <translation>Dijilid di sisi pendek</translation>
        </message>
        <message>
            <source>Specify pages or ranges separated by commas. Ranges are specified by two numbers separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9.</source>
            <translation>Tulis halaman atau rentang halaman dipisah koma. Rentang ditulis dengan dua angka dan tanda hubung, mis. 3,5-7,9 mencetak halaman 3, 5, 6, 7 dan 9.</translation>
        </message>
        <message>
            <source>to</source>
            <translation>sampai</translation>
        </message>
    </context>
    <context>
        <name>QPrintWidget</name>
        <message>
            <source>&amp;Name:</source>
            <translation>&amp;Nama:</translation>
        </message>
        <message>
            <source>...</source>
            <translation>...</translation>
        </message>
        <message>
            <source>Form</source>
            <translation>Formulir</translation>
        </message>
        <message>
            <source>Location:</source>
            <translation>Lokasi:</translation>
        </message>
        <message>
            <source>Output &amp;file:</source>
            <translation>&amp;Berkas keluaran:</translation>
        </message>
        <message>
            <source>P&amp;roperties</source>
            <translation>P&amp;roperti</translation>
        </message>
        <message>
            <source>Preview</source>
            <translation>Pratinjau</translation>
        </message>
        <message>
            <source>Printer</source>
            <translation>Pencetak</translation>
        </message>
        <message>
            <source>Type:</source>
            <translation>Jenis:</translation>
        </message>
    </context>
    <context>
        <name>QProgressBar</name>
        <message>
            <source>%p%</source>
            <translation>%p%</translation>
        </message>
    </context>
    <context>
        <name>QTabBar</name>
        <message>
            <source>Scroll Left</source>
            <translation>Gulir ke kiri</translation>
        </message>
        <message>
            <source>Scroll Right</source>
            <translation>Gulir ke kanan</translation>
        </message>
    </context>
    <context>
        <name>QPageSize</name>
        <message>
            <source>Custom</source>
            <translation>Ukuran lain</translation>
        </message>
        <message>
            <source>Letter / ANSI A</source>
            <translation>Letter / ANSI A</translation>
        </message>
        <message>
            <source>Legal</source>
            <translation>Legal</translation>
        </message>
        <message>
            <source>Folio (8.27 x 13 in)</source>
            <translation>Folio (8,27 x 13 in)</translation>
        </message>
    </context>
</TS>