<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="id">
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="125" />
        <source>Akun admin</source>
        <translation>Administrator account</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="127" />
        <source>Admin membuat akun untuk operator dan verifikator. Kata sandi minimal {n} karakter dan hanya disimpan sebagai hash.</source>
        <translation>The administrator creates accounts for operators and verifiers. The password needs at least {n} characters and is stored only as a hash.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="145" />
        <source>Nama pengguna *</source>
        <translation>User name *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="146" />
        <source>Nama lengkap *</source>
        <translation>Full name *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="147" />
        <source>Kata sandi *</source>
        <translation>Password *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="148" />
        <source>Ulangi kata sandi *</source>
        <translation>Repeat password *</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/dashboard_page.py" line="37" />
        <source>Beranda</source>
        <translation>Home</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/dashboard_page.py" line="41" />
        <source>Desa {desa}, Kecamatan {kec}</source>
        <translation>Village {desa}, District {kec}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/dashboard_page.py" line="46" />
        <source>Peserta aktif</source>
        <translation>Active participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/dashboard_page.py" line="47" />
        <source>Baru bulan ini</source>
        <translation>New this month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/dashboard_page.py" line="48" />
        <source>Berhenti bulan ini</source>
        <translation>Ended this month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/dashboard_page.py" line="49" />
        <source>Perkiraan iuran sebulan</source>
        <translation>Estimated monthly premium</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/dashboard_page.py" line="57" />
        <source>Peserta aktif per kategori</source>
        <translation>Active participants by category</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/dashboard_page.py" line="74" />
        <source>Belum ada peserta. Buka halaman Peserta untuk mendaftarkan pekerja rentan, RT/RW, Linmas, anggota BPD dan perangkat desa.</source>
        <translation>No participants yet. Open the Participants page to enrol vulnerable workers, RT/RW heads, Linmas, BPD members and village officials.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/dashboard_page.py" line="101" />
        <source>{n} sudah berhenti</source>
        <translation>{n} ended</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/dashboard_page.py" line="103" />
        <source>mulai {month}</source>
        <translation>starting {month}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/dashboard_page.py" line="108" />
        <source>{n} × {rate} (JKK + JKM)</source>
        <translation>{n} × {rate} (JKK + JKM)</translation>
    </message>
</context>
<context>
    <name>EndParticipationDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/status_dialogs.py" line="70" />
        <source>Hentikan kepesertaan</source>
        <extracomment>the service call each dialog makes; defined by the subclasses</extracomment>
        <translation>End participation</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/status_dialogs.py" line="72" />
        <source>Kepesertaan {name} ({reg}) dihentikan. Datanya tetap tersimpan beserta riwayatnya dan dapat diaktifkan kembali.</source>
        <translation>The participation of {name} ({reg}) ends. The record and its history are kept and can be reactivated.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/status_dialogs.py" line="77" />
        <source>— pilih alasan —</source>
        <translation>— choose a reason —</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/status_dialogs.py" line="80" />
        <source>Alasan *</source>
        <translation>Reason *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/status_dialogs.py" line="81" />
        <source>Tanggal berhenti *</source>
        <translation>End date *</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/history_dialog.py" line="77" />
        <source>Riwayat — {name}</source>
        <translation>History — {name}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/history_dialog.py" line="89" />
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/history_dialog.py" line="91" />
        <source>{reg} · {n} kejadian tercatat</source>
        <translation>{reg} · {n} recorded events</translation>
    </message>
</context>
<context>
    <name>HistoryTableModel</name>
    <message>
        <location filename="../../kudus_desktop/gui/history_dialog.py" line="66" />
        <source>Waktu</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/history_dialog.py" line="66" />
        <source>Pengguna</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/history_dialog.py" line="66" />
        <source>Kejadian</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/history_dialog.py" line="66" />
        <source>Data</source>
        <translation>Field</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/history_dialog.py" line="66" />
        <source>Sebelumnya</source>
        <translation>Before</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/history_dialog.py" line="66" />
        <source>Menjadi</source>
        <translation>After</translation>
    </message>
</context>
<context>
    <name>Kode</name>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="173" />
        <source>Pekerja rentan</source>
        <extracomment>Labels of stored codes, keyed by "group:code".</extracomment>
        <translation>Vulnerable worker</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="174" />
        <source>Ketua RT/RW</source>
        <translation>RT/RW head</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="175" />
        <source>Linmas</source>
        <translation>Linmas</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="176" />
        <source>Anggota BPD</source>
        <translation>BPD member</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="177" />
        <source>Perangkat/lembaga desa</source>
        <translation>Village official/institution</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="178" />
        <source>Buruh tani</source>
        <translation>Farm labourer</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="179" />
        <location filename="../../kudus_desktop/core/labels.py" line="183" />
        <source>Lainnya</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="180" />
        <source>PADes</source>
        <translation>PADes (village own revenue)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="181" />
        <source>Bagi hasil pajak dan retribusi</source>
        <translation>Tax and levy revenue share</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="182" />
        <source>APBD Kabupaten</source>
        <translation>Regency budget (APBD)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="184" />
        <source>Aktif</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="185" />
        <source>Berhenti</source>
        <translation>Ended</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="186" />
        <source>Laki-laki</source>
        <translation>Male</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="187" />
        <source>Perempuan</source>
        <translation>Female</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="188" />
        <source>Meninggal dunia</source>
        <translation>Died</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="189" />
        <source>Pindah domisili</source>
        <translation>Moved away</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="190" />
        <source>Masa jabatan berakhir</source>
        <translation>Term of office ended</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="191" />
        <source>Mengundurkan diri</source>
        <translation>Resigned</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="192" />
        <source>Tidak memenuhi syarat</source>
        <translation>Ineligible</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="193" />
        <source>Didaftarkan</source>
        <translation>Enrolled</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="194" />
        <source>Diubah</source>
        <translation>Changed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="195" />
        <source>Dihentikan</source>
        <translation>Ended</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="196" />
        <source>Diaktifkan kembali</source>
        <translation>Reactivated</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="197" />
        <source>Admin</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="198" />
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="199" />
        <source>Verifikator</source>
        <translation>Verifier</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="200" />
        <source>Desa</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="201" />
        <source>Kabupaten</source>
        <translation>Regency</translation>
    </message>
</context>
<context>
    <name>Kolom</name>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="138" />
        <source>NIK</source>
        <extracomment>Labels of participant fields (also used in history and validation messages).</extracomment>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="139" />
        <source>Nomor KK</source>
        <translation>Family card number (KK)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="140" />
        <source>Nama lengkap</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="141" />
        <source>Tempat lahir</source>
        <translation>Place of birth</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="142" />
        <source>Tanggal lahir</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="143" />
        <source>Jenis kelamin</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="144" />
        <source>Alamat</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="145" />
        <source>Dusun</source>
        <translation>Hamlet (dusun)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="146" />
        <source>RT</source>
        <translation>RT</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="147" />
        <source>RW</source>
        <translation>RW</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="148" />
        <source>Telepon</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="149" />
        <source>Pekerjaan</source>
        <translation>Occupation</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="150" />
        <source>Kategori</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="151" />
        <source>Sumber data</source>
        <translation>Source list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="152" />
        <source>Tanggal sumber data</source>
        <translation>Source list date</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="153" />
        <source>Sumber dana</source>
        <translation>Funding source</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="154" />
        <source>Tanggal mulai</source>
        <translation>Start date</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="155" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="156" />
        <source>Alasan berhenti</source>
        <translation>Reason for ending</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="157" />
        <source>Tanggal berhenti</source>
        <translation>End date</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="158" />
        <source>Nomor KPJ</source>
        <translation>KPJ number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="159" />
        <source>Nomor registrasi</source>
        <translation>Registration number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="160" />
        <source>Nama pengguna</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="161" />
        <source>Kata sandi</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="162" />
        <source>Nama penandatangan</source>
        <translation>Signatory name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="163" />
        <source>Jabatan penandatangan</source>
        <translation>Signatory title</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="164" />
        <source>Nama lengkap admin</source>
        <translation>Administrator's full name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="165" />
        <source>Wilayah</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="166" />
        <source>Batas umur</source>
        <translation>Age limit</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="167" />
        <source>Telepon kantor</source>
        <translation>Office phone</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="168" />
        <source>Iuran per orang per bulan</source>
        <translation>Premium per person per month</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/login_dialog.py" line="20" />
        <source>Masuk — Kudus Desktop</source>
        <translation>Log in — Kudus Desktop</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/login_dialog.py" line="37" />
        <source>Nama pengguna</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/login_dialog.py" line="38" />
        <source>Kata sandi</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/login_dialog.py" line="40" />
        <source>Masuk</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/login_dialog.py" line="41" />
        <source>Keluar</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="36" />
        <source>Kudus Desktop — {place}</source>
        <translation>Kudus Desktop — {place}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="51" />
        <source>Beranda</source>
        <translation>Home</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="52" />
        <source>Peserta</source>
        <translation>Participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="53" />
        <source>Pengaturan</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="75" />
        <source>Pengguna: {name} ({role})</source>
        <translation>User: {name} ({role})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="77" />
        <source>Basis data: {path}</source>
        <translation>Database: {path}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="84" />
        <source>&amp;Berkas</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="85" />
        <source>&amp;Keluar</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="91" />
        <source>&amp;Bantuan</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="92" />
        <source>&amp;Tentang Kudus Desktop</source>
        <translation>&amp;About Kudus Desktop</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="105" />
        <source>Desa {desa}, Kec. {kec} ({code})</source>
        <translation>Village {desa}, District {kec} ({code})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="107" />
        <source>{name} ({code}) — mode kabupaten</source>
        <translation>{name} ({code}) — regency mode</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="124" />
        <source>Tentang Kudus Desktop</source>
        <translation>About Kudus Desktop</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="125" />
        <source>Kudus Desktop {version}
Kepesertaan BPJS Ketenagakerjaan (JKK dan JKM) pekerja rentan desa di Kabupaten Kudus.

Basis data: {path}</source>
        <translation>Kudus Desktop {version}
BPJS Ketenagakerjaan work-accident and death insurance (JKK and JKM) for vulnerable village workers in Kabupaten Kudus.

Database: {path}</translation>
    </message>
</context>
<context>
    <name>ModePage</name>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="30" />
        <source>Selamat datang di Kudus Desktop</source>
        <translation>Welcome to Kudus Desktop</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="31" />
        <source>Aplikasi ini menyimpan data di komputer ini. Pilih kantor yang memakainya.</source>
        <translation>This application keeps its data on this computer. Choose the office that uses it.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="32" />
        <source>Kantor desa: mendaftarkan dan mengelola peserta desa</source>
        <translation>Village office: enrol and manage the village's participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="34" />
        <source>Kabupaten (DPMD Kudus): menghimpun data 123 desa</source>
        <translation>Regency (DPMD Kudus): gather the data of 123 villages</translation>
    </message>
</context>
<context>
    <name>ParticipantDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="58" />
        <source>— pilih —</source>
        <translation>— choose —</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="61" />
        <source>16 digit, tanpa spasi</source>
        <translation>16 digits, no spaces</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="64" />
        <source>16 digit</source>
        <translation>16 digits</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="65" />
        <source>sesuai KTP</source>
        <translation>as on the ID card</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="67" />
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="83" />
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="85" />
        <source>hh/bb/tttt</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="69" />
        <source>jalan, nomor rumah</source>
        <translation>street, house number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="77" />
        <source>mis. buruh harian, petani</source>
        <translation>e.g. day labourer, farmer</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="96" />
        <source>Identitas</source>
        <translation>Identity</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="109" />
        <source>Alamat dan kontak</source>
        <translation>Address and contact</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="115" />
        <source>RW</source>
        <translation>RW</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="122" />
        <source>Kepesertaan</source>
        <translation>Participation</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="134" />
        <source>Kolom bertanda * wajib diisi. Enter menyimpan, Esc membatalkan.</source>
        <translation>Fields marked * are required. Enter saves, Esc cancels.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="144" />
        <source>Simpan</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="145" />
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="165" />
        <source>Peserta baru</source>
        <translation>New participant</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="197" />
        <source>Ubah peserta — {name}</source>
        <translation>Edit participant — {name}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="217" />
        <source>No. registrasi: {reg}
Status: {status}
KPJ: {kpj}</source>
        <translation>Registration no.: {reg}
Status: {status}
KPJ: {kpj}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="218" />
        <source>belum ada</source>
        <translation>not yet assigned</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="243" />
        <source>{n}/16 digit</source>
        <translation>{n}/16 digits</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="247" />
        <source>{sex}, lahir {date}, wilayah {region}</source>
        <translation>{sex}, born {date}, region {region}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="268" />
        <source>NIK sudah terdaftar</source>
        <translation>NIK already enrolled</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="269" />
        <source>NIK {nik} sudah terdaftar atas nama {name} ({reg}). Data peserta tersebut dibuka untuk dilihat atau diubah.</source>
        <translation>NIK {nik} is already enrolled for {name} ({reg}). That participant is opened to view or edit.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="311" />
        <source>Periksa kembali</source>
        <translation>Please check</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="312" />
        <source>Ada yang perlu diperiksa:

{warnings}

Simpan tetap?</source>
        <translation>Some things need checking:

{warnings}

Save anyway?</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="313" />
        <source>Simpan tetap</source>
        <translation>Save anyway</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="314" />
        <source>Periksa lagi</source>
        <translation>Check again</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="334" />
        <source>Batalkan</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="335" />
        <source>Perubahan belum disimpan. Buang perubahan?</source>
        <translation>Changes are not saved. Discard them?</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="336" />
        <source>Buang</source>
        <translation>Discard</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_dialog.py" line="337" />
        <source>Kembali ke formulir</source>
        <translation>Back to the form</translation>
    </message>
</context>
<context>
    <name>ParticipantTableModel</name>
    <message>
        <location filename="../../kudus_desktop/gui/participant_model.py" line="127" />
        <source>No. registrasi</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_model.py" line="128" />
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_model.py" line="129" />
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_model.py" line="130" />
        <source>Kategori</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_model.py" line="131" />
        <source>RT/RW</source>
        <translation>RT/RW</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_model.py" line="132" />
        <source>Dusun</source>
        <translation>Hamlet (dusun)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_model.py" line="133" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_model.py" line="134" />
        <source>Mulai</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_model.py" line="135" />
        <source>KPJ</source>
        <translation>KPJ</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participant_model.py" line="153" />
        <source>NIK disamarkan. Aktifkan 'Tampilkan NIK' untuk melihat seluruhnya.</source>
        <translation>NIK masked. Turn on 'Show NIK' to see it in full.</translation>
    </message>
</context>
<context>
    <name>ParticipantsPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="56" />
        <source>Peserta</source>
        <extracomment>Coalesces bursts of keystrokes; small enough that each keystroke still feels immediate.</extracomment>
        <translation>Participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="61" />
        <source>Tambah peserta</source>
        <translation>Add participant</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="63" />
        <source>Daftarkan peserta baru (Ctrl+N)</source>
        <translation>Enrol a new participant (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="64" />
        <source>Ubah</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="65" />
        <source>Hentikan</source>
        <translation>End</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="66" />
        <source>Aktifkan kembali</source>
        <translation>Reactivate</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="67" />
        <source>Riwayat</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="68" />
        <source>Tampilkan NIK</source>
        <translation>Show NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="71" />
        <source>Tampilkan NIK lengkap; secara bawaan NIK disamarkan</source>
        <translation>Show full NIKs; they are masked by default</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="77" />
        <source>Cari nama, NIK, atau nomor registrasi…</source>
        <translation>Search name, NIK or registration number…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="88" />
        <source>Semua kategori</source>
        <translation>All categories</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="93" />
        <source>Semua status</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="177" />
        <source>Semua dusun</source>
        <translation>All hamlets</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="178" />
        <source>Semua RT</source>
        <translation>All RT</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="179" />
        <source>Semua RW</source>
        <translation>All RW</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="211" />
        <source>Belum ada peserta.
Klik “Tambah peserta” (Ctrl+N) untuk mendaftarkan yang pertama.</source>
        <translation>No participants yet.
Click “Add participant” (Ctrl+N) to enrol the first one.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="214" />
        <source>Tidak ada peserta yang cocok dengan pencarian dan saringan ini.</source>
        <translation>No participant matches this search and these filters.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="219" />
        <source>{n} peserta</source>
        <translation>{n} participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/participants_page.py" line="221" />
        <source>{shown} dari {total} peserta</source>
        <translation>{shown} of {total} participants</translation>
    </message>
</context>
<context>
    <name>Pesan</name>
    <message>
        <location filename="../../kudus_desktop/gui/messages.py" line="56" />
        <source>Terjadi kesalahan yang tidak terduga: {detail}. Rinciannya dicatat di log.</source>
        <translation>An unexpected error occurred: {detail}. The details were written to the log.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/messages.py" line="67" />
        <source>Kudus Desktop</source>
        <translation>Kudus Desktop</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/messages.py" line="68" />
        <location filename="../../kudus_desktop/gui/messages.py" line="85" />
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="29" />
        <source>Data tidak sah.</source>
        <extracomment>Message templates by code; ``{name}`` placeholders are filled from the error's params.</extracomment>
        <translation>Invalid data.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="30" />
        <source>Dibatalkan.</source>
        <translation>Cancelled.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="32" />
        <source>Folder data {path} tidak dapat ditulisi. Periksa izin folder atau pilih folder lain.</source>
        <translation>The data folder {path} cannot be written. Check the folder permissions or choose another folder.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="35" />
        <source>{path} bukan folder. Pilih folder data yang lain.</source>
        <translation>{path} is not a folder. Choose another data folder.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="36" />
        <source>Berkas {path} bukan basis data (isinya rusak atau berkas lain). Berkas itu tidak diubah; pulihkan dari cadangan atau pindahkan berkas itu.</source>
        <translation>The file {path} is not a database (it is damaged or a different file). It was not changed; restore from a backup or move the file away.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="41" />
        <source>Berkas {path} adalah basis data SQLite milik aplikasi lain, bukan Kudus Desktop. Berkas itu tidak diubah.</source>
        <translation>The file {path} is another application's SQLite database, not Kudus Desktop's. It was not changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="44" />
        <source>Basis data {path} rusak ({detail}). Berkas itu tidak diubah; pulihkan dari cadangan.</source>
        <translation>The database {path} is damaged ({detail}). It was not changed; restore from a backup.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="47" />
        <source>Basis data {path} dibuat oleh versi Kudus Desktop yang lebih baru (skema {found}, versi ini mengenal sampai skema {supported}). Perbarui aplikasi; berkas itu tidak diubah.</source>
        <translation>The database {path} was made by a newer version of Kudus Desktop (schema {found}; this version knows up to schema {supported}). Update the application; the file was not changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="52" />
        <source>Basis data sedang dipakai proses lain. Tutup jendela Kudus Desktop yang lain lalu coba lagi.</source>
        <translation>The database is in use by another process. Close the other Kudus Desktop window and try again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="55" />
        <source>Gagal menyimpan ke basis data: {detail}. Tidak ada data yang berubah.</source>
        <translation>Saving to the database failed: {detail}. No data was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="56" />
        <source>Pembaruan basis data dari skema {found} gagal ({detail}). Basis data dikembalikan seperti semula; salinan cadangan ada di {backup}.</source>
        <translation>Upgrading the database from schema {found} failed ({detail}). The database was left as it was; a backup copy is at {backup}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="62" />
        <source>Folder data {path} sudah disiapkan untuk {name}. Tidak ada yang diubah.</source>
        <translation>The data folder {path} is already set up for {name}. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="65" />
        <source>Folder data {path} belum disiapkan. Jalankan aplikasi atau 'kudus-desktop init' terlebih dahulu.</source>
        <translation>The data folder {path} is not set up yet. Start the application or run 'kudus-desktop init' first.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="68" />
        <source>Kode wilayah {code} tidak ada dalam daftar wilayah Kabupaten Kudus.</source>
        <translation>Region code {code} is not in the region list of Kabupaten Kudus.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="69" />
        <source>{code} ({name}) bukan desa. Mode desa hanya untuk 123 desa; kelurahan tidak memiliki APBDes.</source>
        <translation>{code} ({name}) is not a desa. Village mode is for the 123 desa only; kelurahan have no village budget.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="72" />
        <source>{code} bukan kode kabupaten. Untuk Kabupaten Kudus gunakan 33.19.</source>
        <translation>{code} is not a regency code. For Kabupaten Kudus use 33.19.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="73" />
        <source>Nama pengguna harus 3-32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.</source>
        <translation>The user name must be 3-32 characters: lower-case letters, digits, dots, underscores or hyphens.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="76" />
        <source>Kata sandi minimal {min} karakter.</source>
        <translation>The password needs at least {min} characters.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="77" />
        <source>Kedua kata sandi tidak sama.</source>
        <translation>The two passwords differ.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="78" />
        <source>Berkas kata sandi {path} tidak dapat dibaca.</source>
        <translation>The password file {path} cannot be read.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="79" />
        <source>{field} wajib diisi.</source>
        <translation>{field} is required.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="81" />
        <source>Nama pengguna atau kata sandi salah.</source>
        <translation>Wrong user name or password.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="82" />
        <source>Akun ini dinonaktifkan. Hubungi admin.</source>
        <translation>This account is disabled. Contact the administrator.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="84" />
        <source>Peserta tidak ditemukan (mungkin sudah diubah di tempat lain).</source>
        <translation>Participant not found (it may have been changed elsewhere).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="85" />
        <source>Kepesertaan {name} sudah berhenti.</source>
        <translation>The participation of {name} has already ended.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="86" />
        <source>Kepesertaan {name} masih aktif.</source>
        <translation>The participation of {name} is still active.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="87" />
        <source>NIK wajib diisi.</source>
        <translation>NIK is required.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="88" />
        <source>NIK hanya boleh berisi angka 0-9.</source>
        <translation>The NIK may contain only the digits 0-9.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="89" />
        <source>NIK harus 16 digit, yang diisi {length} digit.</source>
        <translation>The NIK must have 16 digits; {length} were entered.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="90" />
        <source>NIK diawali kode provinsi {code} yang tidak ada.</source>
        <translation>The NIK starts with province code {code}, which does not exist.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="91" />
        <source>Digit ke-7 s.d. 12 NIK ({digits}) bukan tanggal lahir yang sah (hari 01-31, atau 41-71 untuk perempuan).</source>
        <translation>Digits 7 to 12 of the NIK ({digits}) are not a valid birth date (day 01-31, or 41-71 for women).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="94" />
        <source>Empat digit terakhir NIK tidak boleh 0000.</source>
        <translation>The last four digits of the NIK cannot be 0000.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="95" />
        <source>NIK ini sudah terdaftar atas nama {name} ({reg_no}).</source>
        <translation>This NIK is already enrolled for {name} ({reg_no}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="96" />
        <source>Menurut NIK jenis kelaminnya {nik_sex}, tetapi yang dipilih {typed_sex}.</source>
        <translation>The NIK says the sex is {nik_sex}, but {typed_sex} was chosen.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="99" />
        <source>Tanggal lahir dalam NIK ({nik_date}) berbeda dengan tanggal lahir yang diisi ({typed_date}).</source>
        <translation>The birth date in the NIK ({nik_date}) differs from the date of birth entered ({typed_date}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="102" />
        <source>NIK diterbitkan di luar Kabupaten Kudus (kode wilayah {code}). Pastikan orangnya memang warga desa ini.</source>
        <translation>The NIK was issued outside Kabupaten Kudus (region code {code}). Make sure the person lives in this village.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="105" />
        <source>Kode kecamatan {code} dalam NIK tidak dikenal di Kabupaten Kudus.</source>
        <translation>District code {code} in the NIK is not known in Kabupaten Kudus.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="106" />
        <source>Nomor KK hanya boleh berisi angka 0-9.</source>
        <translation>The KK number may contain only the digits 0-9.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="107" />
        <source>Nomor KK harus 16 digit, yang diisi {length} digit.</source>
        <translation>The KK number must have 16 digits; {length} were entered.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="108" />
        <source>Digit ke-7 s.d. 12 nomor KK ({digits}) bukan tanggal yang sah; periksa kembali.</source>
        <translation>Digits 7 to 12 of the KK number ({digits}) are not a valid date; please check.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="109" />
        <source>Nama hanya boleh berisi huruf, spasi, titik, koma, apostrof dan tanda hubung.</source>
        <translation>A name may contain only letters, spaces, dots, commas, apostrophes and hyphens.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="110" />
        <source>Nama terlalu pendek.</source>
        <translation>The name is too short.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="111" />
        <source>{field}: '{text}' tidak dapat dibaca sebagai tanggal. Tulis seperti 17/08/1985 atau 17 Agustus 1985.</source>
        <translation>{field}: '{text}' cannot be read as a date. Write it like 17/08/1985 or 17 Agustus 1985.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="114" />
        <source>{field}: '{text}' bukan tanggal yang ada di kalender.</source>
        <translation>{field}: '{text}' is not a date that exists.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="115" />
        <source>{field} tidak boleh setelah hari ini.</source>
        <translation>{field} cannot be after today.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="116" />
        <source>{field} sebelum tahun 1900; periksa kembali.</source>
        <translation>{field} is before 1900; please check.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="117" />
        <source>Tanggal mulai kepesertaan sebelum tanggal lahir.</source>
        <translation>The start date is before the date of birth.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="118" />
        <source>Umur pada tanggal mulai {age} tahun, melebihi batas {limit} tahun yang ditetapkan.</source>
        <translation>Age on the start date is {age}, above the set limit of {limit} years.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="121" />
        <source>Umur pada tanggal mulai {age} tahun; pekerja di bawah 15 tahun tidak lazim.</source>
        <translation>Age on the start date is {age}; workers under 15 are unusual.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="122" />
        <source>{field}: pilihan '{value}' tidak dikenal.</source>
        <translation>{field}: the choice '{value}' is not known.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="123" />
        <source>{field} harus berupa angka 1-999.</source>
        <translation>{field} must be a number from 1 to 999.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="124" />
        <source>Nomor telepon harus 8-15 digit, boleh diawali + dan berisi spasi atau tanda hubung.</source>
        <translation>The phone number must have 8-15 digits; it may start with + and contain spaces or hyphens.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="127" />
        <source>Pekerja rentan harus disertai sumber datanya (DTKS, DTSEN, P3KE, ...).</source>
        <translation>A vulnerable worker needs the source list they come from (DTKS, DTSEN, P3KE, ...).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="128" />
        <source>Tanggal berhenti ({exit}) sebelum tanggal mulai kepesertaan ({start}).</source>
        <translation>The end date ({exit}) is before the start date ({start}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="129" />
        <source>Tanggal aktif kembali ({date}) sebelum tanggal berhenti ({exit}).</source>
        <translation>The reactivation date ({date}) is before the end date ({exit}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="132" />
        <source>{field} terlalu panjang (maksimal {max} karakter).</source>
        <translation>{field} is too long (at most {max} characters).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/labels.py" line="133" />
        <source>{field}: nilai '{value}' tidak sah.</source>
        <translation>{field}: the value '{value}' is not valid.</translation>
    </message>
</context>
<context>
    <name>ReactivateDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/status_dialogs.py" line="93" />
        <source>Aktifkan kembali</source>
        <translation>Reactivate</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/status_dialogs.py" line="95" />
        <source>{name} ({reg}) berhenti sejak {date} karena {reason}. Kepesertaannya diaktifkan kembali mulai tanggal berikut.</source>
        <translation>{name} ({reg}) ended on {date}: {reason}. The participation becomes active again from the date below.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/status_dialogs.py" line="103" />
        <source>Aktif kembali mulai *</source>
        <translation>Active again from *</translation>
    </message>
</context>
<context>
    <name>RegionPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="50" />
        <source>Wilayah</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="53" />
        <source>— pilih kecamatan —</source>
        <translation>— choose a district —</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="58" />
        <source>Kabupaten Kudus (33.19)</source>
        <translation>Kabupaten Kudus (33.19)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="62" />
        <source>Kecamatan</source>
        <translation>District (kecamatan)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="63" />
        <source>Desa</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="64" />
        <source>Kabupaten</source>
        <translation>Regency</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="65" />
        <source>Telepon kantor</source>
        <translation>Office phone</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="72" />
        <source>— pilih desa —</source>
        <translation>— choose a village —</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="83" />
        <source>Pilih kecamatan dan desa dari daftar wilayah Kemendagri.</source>
        <translation>Choose the district and village from the Ministry of Home Affairs' region list.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="85" />
        <source>Mode kabupaten melayani seluruh Kabupaten Kudus.</source>
        <translation>Regency mode serves the whole of Kabupaten Kudus.</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="36" />
        <location filename="../../kudus_desktop/gui/settings_page.py" line="120" />
        <source>Pengaturan</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="39" />
        <source>Kantor dan penandatangan</source>
        <translation>Office and signatory</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="55" />
        <source>Wilayah</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="56" />
        <source>Nama penandatangan</source>
        <translation>Signatory name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="57" />
        <source>Jabatan penandatangan</source>
        <translation>Signatory title</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="58" />
        <source>Telepon kantor</source>
        <translation>Office phone</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="59" />
        <source>Batas umur peserta (tahun)</source>
        <translation>Participant age limit (years)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="61" />
        <source>Simpan pengaturan kantor</source>
        <translation>Save office settings</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="71" />
        <source>Hanya admin yang dapat mengubah pengaturan kantor.</source>
        <translation>Only an administrator can change the office settings.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="73" />
        <source>Tampilan</source>
        <translation>Display</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="81" />
        <location filename="../../kudus_desktop/gui/settings_page.py" line="129" />
        <source>Bahasa / Language</source>
        <translation>Bahasa / Language</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="83" />
        <source>Tentang</source>
        <translation>About</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="85" />
        <source>Versi</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="88" />
        <source>Basis data</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="120" />
        <source>Pengaturan kantor disimpan.</source>
        <translation>Office settings saved.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/settings_page.py" line="130" />
        <source>Bahasa tampilan berubah saat Kudus Desktop dibuka kembali.
The display language changes when Kudus Desktop is opened again.</source>
        <translation>Bahasa tampilan berubah saat Kudus Desktop dibuka kembali.
The display language changes when Kudus Desktop is opened again.</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="177" />
        <source>Penyiapan Kudus Desktop</source>
        <translation>Kudus Desktop setup</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="181" />
        <source>Lanjut &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="182" />
        <source>&lt; Kembali</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="183" />
        <source>Selesai</source>
        <translation>Finish</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="184" />
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>SignatoryPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="102" />
        <source>Penandatangan</source>
        <translation>Signatory</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="103" />
        <source>Nama dan jabatan ini dicetak di bawah daftar peserta dan rekap iuran.</source>
        <translation>This name and title are printed under participant lists and premium recaps.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="109" />
        <source>Nama *</source>
        <translation>Name *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="110" />
        <source>Jabatan *</source>
        <translation>Title *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="116" />
        <source>Kepala Desa</source>
        <translation>Kepala Desa</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/setup_wizard.py" line="116" />
        <source>Kepala DPMD</source>
        <translation>Kepala DPMD</translation>
    </message>
</context>
<context>
    <name>_StatusDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/status_dialogs.py" line="35" />
        <source>hh/bb/tttt</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/status_dialogs.py" line="37" />
        <source>Simpan</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/status_dialogs.py" line="38" />
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
</context>
</TS>