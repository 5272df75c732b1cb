<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="id">
<context>
    <name>AccountDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="98"/>
        <source>Akun baru</source>
        <translation>New account</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="100"/>
        <source>Atur ulang kata sandi — {name}</source>
        <translation>Reset password — {name}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="122"/>
        <source>Nama pengguna *</source>
        <translation>User name *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="123"/>
        <source>Nama lengkap *</source>
        <translation>Full name *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="124"/>
        <source>Peran *</source>
        <translation>Role *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="125"/>
        <source>Kata sandi *</source>
        <translation>Password *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="126"/>
        <source>Ulangi kata sandi *</source>
        <translation>Repeat password *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="128"/>
        <source>Simpan</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="129"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>AccountsTableModel</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="60"/>
        <source>Nama pengguna</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="60"/>
        <source>Nama lengkap</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="60"/>
        <source>Peran</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="60"/>
        <source>Keadaan</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="75"/>
        <source>Nonaktif</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="77"/>
        <source>Terkunci sampai {time}</source>
        <translation>Locked until {time}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="79"/>
        <source>Aktif</source>
        <translation>Active</translation>
    </message>
</context>
<context>
    <name>AccountsWidget</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="183"/>
        <source>Tambah akun…</source>
        <translation>Add account…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="184"/>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="217"/>
        <source>Nonaktifkan</source>
        <translation>Disable</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="185"/>
        <source>Atur ulang kata sandi…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/accounts_widget.py" line="217"/>
        <source>Aktifkan</source>
        <translation>Enable</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="128"/>
        <source>Akun admin</source>
        <translation>Administrator account</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="130"/>
        <source>Admin membuat akun untuk operator dan verifikator. Kata sandi minimal {n} karakter dan hanya disimpan sebagai hash.</source>
        <translation>The administrator creates accounts for operators and verifiers. The password needs at least {n} characters and is stored only as a hash.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="148"/>
        <source>Nama pengguna *</source>
        <translation>User name *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="149"/>
        <source>Nama lengkap *</source>
        <translation>Full name *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="150"/>
        <source>Kata sandi *</source>
        <translation>Password *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="151"/>
        <source>Ulangi kata sandi *</source>
        <translation>Repeat password *</translation>
    </message>
</context>
<context>
    <name>AppController</name>
    <message>
        <location filename="../../kudus_desktop/gui/app.py" line="261"/>
        <source>Folder data tadinya dapat dibaca pengguna lain komputer ini; kini hanya untuk akun Windows/Linux Anda ({n} berkas diperbaiki).</source>
        <extracomment>How long a thread running Python may keep the interpreter while another waits for it. Each call Qt makes into our models while it paints (about 800 for a screen of the import preview) waits that long behind a busy worker thread: at Python&apos;s 5 ms a repaint took over a second while a list was checked, at 0.5 ms it takes about 0.1 s (benchmarks/README.md). Only a thread that waits makes the other switch, so work on one thread runs as fast as before.</extracomment>
        <translation>Other users of this computer could read the data folder; it is now private to your Windows/Linux account ({n} files repaired).</translation>
    </message>
</context>
<context>
    <name>ApprovalPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="94"/>
        <source>Persetujuan data peserta</source>
        <translation>Approval of participant data</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="102"/>
        <source>Menunggu persetujuan</source>
        <translation>Awaiting approval</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="103"/>
        <source>Dikembalikan ke operator</source>
        <translation>Sent back to the operator</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="104"/>
        <source>Semua</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="111"/>
        <source>No. registrasi</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="112"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="113"/>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="114"/>
        <source>Jenis</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="115"/>
        <source>Diubah oleh</source>
        <translation>Changed by</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="116"/>
        <source>Diajukan</source>
        <translation>Submitted</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="117"/>
        <source>Keadaan</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="125"/>
        <source>Data</source>
        <translation>Field</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="125"/>
        <source>Yang disetujui</source>
        <translation>As approved</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="126"/>
        <source>Sekarang</source>
        <translation>Now</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="127"/>
        <source>Peringatan yang diterima</source>
        <translation>Accepted warnings</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="132"/>
        <source>Setujui</source>
        <translation>Approve</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="136"/>
        <source>Kembalikan…</source>
        <translation>Send back…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="146"/>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="231"/>
        <source>Yang berubah</source>
        <translation>What changed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="189"/>
        <source>Menunggu persetujuan: {w}. Dikembalikan ke operator: {d}.</source>
        <translation>Awaiting approval: {w}. Sent back to the operator: {d}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="193"/>
        <source>Persetujuan verifikator tidak wajib di kantor ini (Pengaturan): perubahan baru langsung siap dikirim.</source>
        <translation>Verifier approval is not required in this office (Settings): new changes are ready to send at once.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="201"/>
        <source>Tidak ada data yang menunggu persetujuan.</source>
        <translation>Nothing is waiting for approval.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="202"/>
        <source>Tidak ada data yang dikembalikan ke operator.</source>
        <translation>Nothing was sent back to the operator.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="203"/>
        <source>Tidak ada data yang menunggu atau dikembalikan.</source>
        <translation>Nothing is waiting or sent back.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="219"/>
        <source>Verifikator atau admin yang menyetujui.</source>
        <translation>A verifier or an admin approves.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="221"/>
        <source>Data yang dikembalikan diperbaiki di halaman Peserta, lalu menunggu lagi.</source>
        <translation>Data sent back is corrected on the Participants page, then waits again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="223"/>
        <source>{n} yang dipilih Anda ubah sendiri: orang lain yang memeriksanya.</source>
        <translation>You changed {n} of the selected yourself: someone else checks them.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="225"/>
        <source>{n} peserta dipilih.</source>
        <translation>{n} participants selected.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="235"/>
        <source>Yang berubah: {name} ({kind})</source>
        <translation>What changed: {name} ({kind})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="265"/>
        <source>{n} peringatan diterima pembuat data</source>
        <translation>{n} warnings accepted by the maker</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="276"/>
        <source>{n} peserta disetujui; datanya siap dikirim ke kabupaten.</source>
        <translation>{n} participants approved; their data is ready to send to the regency.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="281"/>
        <source>Sebagian tetap menunggu</source>
        <translation>Some are still waiting</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="282"/>
        <source>{n} peserta disetujui. Yang Anda ubah sendiri tetap menunggu pemeriksa lain: {names}.</source>
        <translation>{n} participants approved. Those you changed yourself wait for another checker: {names}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="298"/>
        <source>{n} peserta dikembalikan ke operator: {reason}</source>
        <translation>{n} participants sent back to the operator: {reason}</translation>
    </message>
</context>
<context>
    <name>AuditTableModel</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/audit_widget.py" line="52"/>
        <source>Waktu</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/audit_widget.py" line="52"/>
        <source>Pengguna</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/audit_widget.py" line="52"/>
        <source>Kejadian</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/audit_widget.py" line="52"/>
        <source>Keterangan</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>AuditWidget</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/audit_widget.py" line="79"/>
        <source>Muat ulang</source>
        <translation>Reload</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/audit_widget.py" line="80"/>
        <source>Ekspor…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/audit_widget.py" line="112"/>
        <source>Semua pengguna</source>
        <translation>All users</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/audit_widget.py" line="113"/>
        <source>Semua kejadian</source>
        <translation>All events</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/audit_widget.py" line="136"/>
        <source>Ekspor log audit</source>
        <translation>Export audit log</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/audit_widget.py" line="146"/>
        <source>Log audit</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/audit_widget.py" line="146"/>
        <source>{n} kejadian ditulis ke {path}.</source>
        <translation>{n} events written to {path}.</translation>
    </message>
</context>
<context>
    <name>BackupWidget</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="86"/>
        <source>Salin cadangan terenkripsi ke…</source>
        <translation>Copy an encrypted backup to…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="88"/>
        <source>Pulihkan dari cadangan…</source>
        <translation>Restore from a backup…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="105"/>
        <source>Cadangan otomatis terakhir: {day}. Disimpan di {path}</source>
        <translation>Last automatic backup: {day}. Kept in {path}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="106"/>
        <source>belum ada</source>
        <translation>none yet</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="112"/>
        <source>Pilih folder atau flashdisk</source>
        <translation>Choose a folder or USB stick</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="121"/>
        <source>Cadangan</source>
        <translation>Backups</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="121"/>
        <source>Cadangan terenkripsi ditulis ke {path}.</source>
        <translation>Encrypted backup written to {path}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="125"/>
        <source>Membuat cadangan terenkripsi…</source>
        <translation>Making the encrypted backup…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="131"/>
        <source>Pilih cadangan</source>
        <translation>Choose a backup</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="131"/>
        <source>Cadangan (*.sqlite *.kbak)</source>
        <translation>Backups (*.sqlite *.kbak)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="144"/>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="147"/>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="155"/>
        <source>Pulihkan</source>
        <translation>Restore</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="145"/>
        <source>Ganti seluruh data dengan isi {name}? Data yang sekarang disimpan dulu sebagai cadangan. Kudus Desktop ditutup setelahnya; buka kembali untuk masuk.</source>
        <translation>Replace all data with the contents of {name}? The current data is first kept as a backup. Kudus Desktop closes afterwards; open it again to log in.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="148"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="157"/>
        <source>Data dipulihkan dari {name}. Data sebelumnya disimpan di {kept}. Kudus Desktop akan ditutup.</source>
        <translation>Data restored from {name}. The previous data is kept in {kept}. Kudus Desktop will close.</translation>
    </message>
</context>
<context>
    <name>BpjsPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="610"/>
        <source>BPJS Ketenagakerjaan</source>
        <translation>BPJS Ketenagakerjaan</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="613"/>
        <source>Daftar pendaftaran ke BPJS</source>
        <translation>Registration list for BPJS</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="614"/>
        <source>Semua desa</source>
        <translation>All villages</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="615"/>
        <source>Juga yang sudah pernah dikirim tetapi belum dijawab</source>
        <translation>Also those sent before but not yet answered</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="619"/>
        <source>Simpan daftar pendaftaran…</source>
        <translation>Save registration list…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="625"/>
        <source>Wilayah</source>
        <translation>Area</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="633"/>
        <source>Hanya peserta aktif yang diterima (tidak ditinjau, tidak ditolak) dan belum ber-KPJ. Kolom dan urutannya mengikuti pengaturan daftar BPJS; kode wadah SD/SA/SL dari sumber dana.</source>
        <translation>Only active, accepted participants (not in review, not rejected) without a KPJ number. Columns and their order follow the BPJS list setting; the wadah code SD/SA/SL comes from the funding source.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="642"/>
        <source>Jawaban BPJS: nomor KPJ dan penolakan</source>
        <translation>BPJS&apos;s answer: KPJ numbers and rejections</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="643"/>
        <source>Buka berkas jawaban BPJS…</source>
        <translation>Open BPJS&apos;s answer file…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="648"/>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="662"/>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="648"/>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="663"/>
        <source>KPJ</source>
        <translation>KPJ</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="648"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="649"/>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="665"/>
        <source>Alasan</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="649"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="662"/>
        <source>Baris</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="664"/>
        <source>Jawaban</source>
        <translation>Answer</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="666"/>
        <source>Tindakan</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="667"/>
        <source>Keterangan</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="671"/>
        <source>Catat hasil BPJS</source>
        <translation>Record BPJS results</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="705"/>
        <source>{n} peserta akan masuk daftar.</source>
        <translation>{n} participants will be on the list.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="708"/>
        <source>Sudah dikirim ke BPJS: {sent}; terdaftar (ber-KPJ): {ok}; ditolak BPJS: {rej}.</source>
        <translation>Sent to BPJS: {sent}; registered (with KPJ): {ok}; rejected by BPJS: {rej}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="716"/>
        <source>Simpan daftar pendaftaran BPJS</source>
        <translation>Save BPJS registration list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="727"/>
        <source>Daftar pendaftaran BPJS</source>
        <translation>BPJS registration list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="728"/>
        <source>{n} peserta ditulis ke {path} dan ditandai dikirim ke BPJS pada {day}.</source>
        <translation>{n} participants written to {path} and marked as sent to BPJS on {day}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="736"/>
        <source>Pilih berkas jawaban BPJS</source>
        <translation>Choose BPJS&apos;s answer file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="755"/>
        <source>(tidak ada)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="757"/>
        <source>kolom {n}</source>
        <translation>column {n}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="766"/>
        <source>{name}, lembar {sheet}: {kpj} nomor KPJ baru, {rej} penolakan, {same} sudah tercatat, {unknown} NIK tidak dikenal, {not_sent} belum pernah dikirim, {bad} baris salah. NIK yang tidak dikenal tidak ditambahkan.</source>
        <translation>{name}, sheet {sheet}: {kpj} new KPJ numbers, {rej} rejections, {same} already recorded, {unknown} unknown NIKs, {not_sent} never sent, {bad} faulty rows. Unknown NIKs are not added.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="786"/>
        <source>Jawaban BPJS</source>
        <translation>BPJS&apos;s answer</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="787"/>
        <source>Dicatat: {kpj} nomor KPJ dan {rej} penolakan. Semuanya sampai ke {n} desa lewat tanda terima berikutnya.</source>
        <translation>Recorded: {kpj} KPJ numbers and {rej} rejections. They reach {n} villages with the next receipts.</translation>
    </message>
</context>
<context>
    <name>CardPrintDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="81"/>
        <source>Pratinjau cetak</source>
        <translation>Print preview</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="134"/>
        <source>Cetak kartu peserta</source>
        <translation>Print participant cards</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="139"/>
        <source>Kartu untuk</source>
        <translation>Cards for</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="150"/>
        <source>Semua yang kartunya belum dicetak ({n})</source>
        <translation>Everyone whose card has not been printed ({n})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="149"/>
        <source>Peserta terpilih ({n} terdaftar)</source>
        <translation>Selected participants ({n} enrolled)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="277"/>
        <source>Kartu yang statusnya berubah sejak dicetak ({n})</source>
        <translation>Cards whose status changed since printing ({n})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="152"/>
        <source>Semua peserta terdaftar ({n})</source>
        <translation>All enrolled participants ({n})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="162"/>
        <source>Kartu hanya untuk peserta yang disetujui dan tidak ditolak. Sebelum BPJS memberi nomor KPJ, kartu bertuliskan “Menunggu pendaftaran BPJS - belum terlindungi”.</source>
        <translation>Cards are only for participants who were approved and not rejected. Until BPJS assigns a KPJ number, the card reads “Waiting for BPJS registration - not yet protected”.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="281"/>
        <source>{changed} kartu perlu dicetak ulang karena statusnya berubah; {recall} kartu harus ditarik kembali karena pesertanya ditolak atau berhenti.</source>
        <translation>{changed} cards must be printed again because their status changed; {recall} cards must be taken back because the participant was rejected or ended.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="172"/>
        <source>Daftar kartu yang berubah…</source>
        <translation>List of changed cards…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="90"/>
        <source>Hanya pratinjau. Untuk mencetak, isi alasan cetak ulang lalu klik Cetak.</source>
        <translation>Preview only. To print, enter the reason for reprinting, then click Print.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="151"/>
        <source>Kartu yang statusnya berubah sejak dicetak (menghitung…)</source>
        <translation>Cards whose status changed since printing (counting…)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="186"/>
        <source>Simpan sebagai PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="315"/>
        <source>ke kanan</source>
        <translation>right</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="318"/>
        <source>ke bawah</source>
        <translation>down</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="193"/>
        <source>Halaman kalibrasi…</source>
        <translation>Calibration page…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="201"/>
        <source>Satu sisi: depan dan belakang berdampingan, lalu dilipat</source>
        <translation>One side: front and back side by side, then folded</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="222"/>
        <source>Kertas</source>
        <translation>Paper</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="223"/>
        <source>Pencetak</source>
        <translation>Printer</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="224"/>
        <source>Sisi kartu</source>
        <translation>Card sides</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="232"/>
        <source>Alasan cetak ulang, mis. kartu hilang atau rusak</source>
        <translation>Reason for reprinting, e.g. card lost or damaged</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="235"/>
        <source>Cetak juga lembar informasi data pribadi (UU 27/2022), satu halaman untuk setiap peserta</source>
        <translation>Also print the personal data information sheet (Law 27/2022), one page per participant</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="242"/>
        <source>Pratinjau…</source>
        <translation>Preview…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="243"/>
        <source>Cetak…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="244"/>
        <source>Simpan PDF…</source>
        <translation>Save PDF…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="245"/>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="291"/>
        <source>Kartu yang tidak lagi sesuai</source>
        <translation>Cards that are no longer accurate</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="293"/>
        <source>No. Registrasi</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="294"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="295"/>
        <source>RT/RW</source>
        <translation>RT/RW</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="296"/>
        <source>Dicetak</source>
        <translation>Printed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="297"/>
        <source>Kini</source>
        <translation>Now</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="298"/>
        <source>Tindakan</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="300"/>
        <source>Alasan</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="299"/>
        <source>Cetak ulang</source>
        <translation>Print again</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="199"/>
        <source>Bolak-balik otomatis (dupleks, sisi panjang)</source>
        <translation>Both sides automatically (duplex, long edge)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="200"/>
        <source>Bolak-balik manual: depan dulu, lalu kertas dibalik</source>
        <translation>Both sides by hand: fronts first, then the paper turned over</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="203"/>
        <source>Manual: pencetak tanpa dupleks mencetak semua sisi depan, Anda membalik tumpukan kertas, lalu sisi belakang menyusul. Dilipat: potong pasangan kartu pada tanda potong, lipat pada garis putus-putus &quot;lipat di sini&quot;, lalu laminasi.</source>
        <translation>By hand: a printer without duplex prints every front, you turn the stack of paper over, then the backs follow. Folded: cut each pair of cards on the crop marks, fold on the dashed &quot;lipat di sini&quot; line, then laminate.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="207"/>
        <source>Sisi belakang mulai dari lembar terakhir</source>
        <translation>Backs from the last sheet first</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="210"/>
        <source>Centang bila pada pencetak ini lembar terakhir yang harus dicetak lebih dulu setelah tumpukan dibalik (uji dengan halaman kalibrasi).</source>
        <translation>Tick when on this printer the last sheet must be printed first once the stack is turned over (try it with the calibration page).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="213"/>
        <source>Geser belakang (mm)</source>
        <translation>Back shift (mm)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="225"/>
        <source>Geser depan (mm)</source>
        <translation>Front shift (mm)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="299"/>
        <source>Tarik kembali</source>
        <translation>Take back</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="348"/>
        <source>status kepesertaan berubah</source>
        <translation>participation status changed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="353"/>
        <source>{n} dari {total} kartu ini sudah pernah dicetak. Cetak ulang dicatat dengan alasannya.</source>
        <translation>{n} of these {total} cards have been printed before. A reprint is logged with its reason.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="365"/>
        <source>{n} kartu per lembar {paper}, satu sisi: potong tiap pasangan, lipat pada garis tengah.</source>
        <translation>{n} cards per {paper} sheet, one side: cut each pair, fold on the middle line.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="368"/>
        <source>{n} kartu per lembar {paper}; semua sisi depan dicetak dulu, lalu aplikasi memandu membalik kertas untuk sisi belakang.</source>
        <translation>{n} cards per {paper} sheet; every front is printed first, then the application guides you in turning the paper over for the backs.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="373"/>
        <source>{n} kartu per lembar {paper}; bagian belakang di halaman berikutnya (bolak-balik, sisi panjang).</source>
        <translation>{n} cards per {paper} sheet; the backs are on the next page (duplex, long-edge flip).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="436"/>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="467"/>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="496"/>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="516"/>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="532"/>
        <source>Kartu</source>
        <translation>Cards</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="436"/>
        <source>{n} kartu {where}.</source>
        <translation>{n} cards {where}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="444"/>
        <source>Simpan kartu sebagai PDF</source>
        <translation>Save cards as PDF</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="464"/>
        <source>{n} kartu ditulis ke {path}.</source>
        <translation>{n} cards written to {path}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="466"/>
        <source>Lembar informasi data pribadi: {path}.</source>
        <translation>Personal data information sheets: {path}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="470"/>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="550"/>
        <source>Menyiapkan kartu…</source>
        <translation>Preparing cards…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="496"/>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="532"/>
        <source>{n} kartu dikirim ke pencetak.</source>
        <translation>{n} cards sent to the printer.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="499"/>
        <source>Mencetak kartu…</source>
        <translation>Printing cards…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="514"/>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="564"/>
        <source>Balik kertas</source>
        <translation>Turn the paper over</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="515"/>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="564"/>
        <source>Cetak sisi belakang</source>
        <translation>Print the backs</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="515"/>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="565"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="517"/>
        <source>Sisi belakang tidak dicetak; kartu ini tidak dicatat sebagai sudah dicetak.</source>
        <translation>The backs were not printed; these cards are not recorded as printed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="535"/>
        <source>Mencetak sisi belakang…</source>
        <translation>Printing the backs…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="537"/>
        <source>Mencetak sisi depan…</source>
        <translation>Printing the fronts…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="547"/>
        <source>dicetak</source>
        <translation>printed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="572"/>
        <source>Sisi belakang dicetak mulai dari lembar terakhir.</source>
        <translation>The backs are printed from the last sheet first.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="574"/>
        <source>Sisi belakang dicetak mulai dari lembar pertama.</source>
        <translation>The backs are printed from the first sheet.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="576"/>
        <source>Sisi depan {n} lembar sudah dikirim ke pencetak.

1. Tunggu sampai semua lembar keluar. Ambil tumpukannya tanpa mengubah urutan.
2. Balik tumpukan pada sisi panjangnya (seperti membalik halaman buku), sehingga sisi yang kosong akan dicetak dan bagian atas kartu tetap masuk lebih dulu.
3. Masukkan kembali ke baki kertas, lalu klik &quot;Cetak sisi belakang&quot;.

{order} Belum yakin cara memasukkan kertas pada pencetak ini? Uji dulu dengan halaman kalibrasi: bingkai kedua sisi harus berimpit bila diterawang.</source>
        <translation>The fronts of {n} sheets were sent to the printer.

1. Wait until every sheet is out. Take the stack without changing its order.
2. Turn the stack over on its long edge (as a page of a book is turned), so that the blank side is printed and the top of the cards still goes in first.
3. Put it back into the paper tray, then click &quot;Cetak sisi belakang&quot;.

{order} Not sure how this printer takes the paper? Try it first with the calibration page: the frames of both sides must coincide when held against the light.</translation>
    </message>
</context>
<context>
    <name>ColumnFit</name>
    <message>
        <location filename="../../kudus_desktop/gui/column_fit.py" line="155"/>
        <source>Atur ulang kolom</source>
        <translation>Reset columns</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/dashboard_page.py" line="26"/>
        <source>Beranda</source>
        <translation>Home</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/dashboard_page.py" line="33"/>
        <source>Desa {desa}, Kecamatan {kec}</source>
        <translation>Village {desa}, District {kec}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/dashboard_page.py" line="37"/>
        <source>Peserta aktif</source>
        <translation>Active participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/dashboard_page.py" line="38"/>
        <source>Baru bulan ini</source>
        <translation>New this month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/dashboard_page.py" line="39"/>
        <source>Berhenti bulan ini</source>
        <translation>Ended this month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/dashboard_page.py" line="40"/>
        <source>Perkiraan iuran sebulan</source>
        <translation>Estimated monthly premium</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/dashboard_page.py" line="48"/>
        <source>Peserta aktif per kategori</source>
        <translation>Active participants by category</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/dashboard_page.py" line="65"/>
        <source>Belum ada peserta. Buka halaman Peserta untuk mendaftarkan pekerja rentan, RT/RW, Linmas, anggota BPD dan perangkat desa.</source>
        <translation>No participants yet. Open the Participants page to enrol vulnerable workers, RT/RW heads, Linmas, BPD members and village officials.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/dashboard_page.py" line="103"/>
        <source>{n} sudah berhenti</source>
        <translation>{n} ended</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/dashboard_page.py" line="105"/>
        <source>mulai {month}</source>
        <translation>starting {month}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/dashboard_page.py" line="114"/>
        <source>{n} × {rate} (JKK + JKM)</source>
        <translation>{n} × {rate} (JKK + JKM)</translation>
    </message>
</context>
<context>
    <name>DeclineDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="60"/>
        <source>Kembalikan ke operator</source>
        <translation>Send back to the operator</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="62"/>
        <source>{n} data peserta dikembalikan ke operator. Tulis apa yang harus diperbaiki; operator membacanya di daftar peserta.</source>
        <translation>{n} participant records go back to the operator. Write what must be corrected; the operator reads it in the participant list.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="68"/>
        <source>mis. Tanggal lahir tidak sesuai KTP</source>
        <translation>e.g. Date of birth does not match the ID card</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="70"/>
        <source>Kembalikan</source>
        <translation>Send back</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/approval_page.py" line="71"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>DevicesDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="732"/>
        <source>Perangkat desa</source>
        <translation>Village devices</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="735"/>
        <source>Desa</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="736"/>
        <source>Perangkat</source>
        <translation>Device</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="736"/>
        <source>Sidik jari</source>
        <translation>Fingerprint</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="737"/>
        <source>Keadaan</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="738"/>
        <source>Paket terakhir</source>
        <translation>Last package</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="739"/>
        <source>Versi</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="740"/>
        <source>Terdaftar</source>
        <translation>Registered</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="741"/>
        <source>Catatan</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="744"/>
        <source>Cabut perangkat terpilih…</source>
        <translation>Revoke selected device…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="747"/>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="733"/>
        <source>aktif</source>
        <translation>current</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="733"/>
        <source>diganti</source>
        <translation>replaced</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="733"/>
        <source>dicabut</source>
        <translation>revoked</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="761"/>
        <source>Paketnya belum menyebut versi (dibuat versi lama, atau belum ada paket).</source>
        <translation>Its packages do not name a version yet (made by an old version, or no package yet).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="763"/>
        <source>Versi yang sama dengan kabupaten.</source>
        <translation>The same version as the regency.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="764"/>
        <source>Kabupaten memakai versi {version}.</source>
        <translation>The regency runs version {version}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="773"/>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="779"/>
        <source>Cabut perangkat</source>
        <translation>Revoke device</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="773"/>
        <source>Pilih perangkatnya di daftar lebih dahulu.</source>
        <translation>Select the device in the list first.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="781"/>
        <source>Perangkat {id} Desa {desa} (sidik jari {fp}) tidak akan diterima lagi: paket, tanda terima dan kunci baru yang ditandatanganinya ditolak. Alasan pencabutan:</source>
        <translation>Device {id} of {desa} (fingerprint {fp}) will no longer be accepted: its packages, receipts and any new keys it signs are refused. Reason for revoking:</translation>
    </message>
</context>
<context>
    <name>DoubleEnrolmentPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="369"/>
        <source>Kepesertaan ganda</source>
        <translation>Double enrolment</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="377"/>
        <source>Semua jenis</source>
        <translation>All kinds</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="382"/>
        <source>Menunggu keputusan</source>
        <translation>Awaiting decision</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="383"/>
        <source>Sudah diputuskan</source>
        <translation>Decided</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="384"/>
        <source>Semua</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="385"/>
        <source>Semua wilayah</source>
        <translation>All areas</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="388"/>
        <source>Periksa ulang semua peserta</source>
        <translation>Check all participants again</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="391"/>
        <source>Impor daftar NIK APBD…</source>
        <translation>Import APBD NIK list…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="402"/>
        <source>No.</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="402"/>
        <source>Jenis</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="403"/>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="492"/>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="404"/>
        <source>Pertama</source>
        <translation>First</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="405"/>
        <source>Kedua</source>
        <translation>Second</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="406"/>
        <source>Ditemukan</source>
        <translation>Found</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="407"/>
        <source>Keputusan</source>
        <translation>Decision</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="415"/>
        <source>Kepesertaan pertama</source>
        <translation>First enrolment</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="416"/>
        <source>Kepesertaan kedua</source>
        <translation>Second enrolment</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="422"/>
        <source>Catatan keputusan (mis. hasil cek ke Dukcapil atau ke desa)</source>
        <translation>Decision note (e.g. what Dukcapil or the village said)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="423"/>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="531"/>
        <source>Yang pertama berlaku</source>
        <translation>The first stands</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="425"/>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="532"/>
        <source>Yang kedua berlaku</source>
        <translation>The second stands</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="427"/>
        <source>Bukan orang yang sama</source>
        <translation>Not the same person</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="439"/>
        <source>Bandingkan dan putuskan</source>
        <translation>Compare and decide</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="470"/>
        <source>Menunggu keputusan: {nik} NIK sama di dua desa, {apbd_cases} NIK juga di daftar APBD, {sim} mirip (nama, tanggal lahir dan KK sama dengan NIK lain). Daftar APBD berisi {apbd} NIK.</source>
        <translation>Awaiting decision: {nik} NIKs in two villages, {apbd_cases} NIKs also on the APBD list, {sim} look-alikes (same name, birth date and KK under another NIK). The APBD list holds {apbd} NIKs.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="491"/>
        <source>Desa</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="493"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="494"/>
        <source>Tanggal lahir</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="495"/>
        <source>No. KK</source>
        <translation>KK No.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="496"/>
        <source>Kategori</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="497"/>
        <source>Sumber dana</source>
        <translation>Funding</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="498"/>
        <source>Mulai</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="499"/>
        <source>No. registrasi</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="516"/>
        <source>Diputuskan {when} oleh {who}: {decision}. {note}</source>
        <translation>Decided {when} by {who}: {decision}. {note}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="522"/>
        <source>Hanya admin atau verifikator yang boleh memutuskan.</source>
        <translation>Only an admin or a verifier may decide.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="524"/>
        <source>APBD yang berlaku</source>
        <translation>APBD stands</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="525"/>
        <source>Kepesertaan desa berlaku</source>
        <translation>The village&apos;s enrolment stands</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="527"/>
        <source>Bila APBD yang berlaku, desa menerima penolakan di tanda terima berikutnya. Bila kepesertaan desa yang berlaku, keluarkan NIK ini dari daftar APBD.</source>
        <translation>If APBD stands, the village receives the rejection in its next receipt. If the village&apos;s enrolment stands, take this NIK off the APBD list.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="534"/>
        <source>Kepesertaan yang tidak berlaku ditolak; desanya menerima alasan &quot;sudah terdaftar di Desa … sejak …&quot; di tanda terima berikutnya. Desa yang lain tidak menerima apa-apa.</source>
        <translation>The enrolment that does not stand is rejected; its village receives the reason &quot;already enrolled in Desa … since …&quot; in its next receipt. The other village receives nothing.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="554"/>
        <source>Periksa ulang</source>
        <translation>Check again</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="556"/>
        <source>Kasus baru: {nik} NIK sama di dua desa, {apbd} NIK di daftar APBD, {sim} mirip. {closed} kasus selesai sendiri. Menunggu keputusan: {open}.</source>
        <translation>New cases: {nik} NIKs in two villages, {apbd} NIKs on the APBD list, {sim} look-alikes. {closed} cases closed by themselves. Awaiting decision: {open}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="567"/>
        <source>Pilih daftar NIK peserta APBD</source>
        <translation>Choose the APBD participants NIK list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="574"/>
        <source>Daftar APBD sekarang {n} NIK ({added} baru, {removed} keluar). {cases} peserta desa juga ada di daftar itu dan menunggu keputusan.</source>
        <translation>The APBD list now holds {n} NIKs ({added} new, {removed} left). {cases} village participants are also on it and await a decision.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="580"/>
        <source>{n} baris dilewati:</source>
        <translation>{n} rows skipped:</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="582"/>
        <source>baris {row}: {reason}</source>
        <translation>row {row}: {reason}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="585"/>
        <source>Daftar APBD</source>
        <translation>APBD list</translation>
    </message>
</context>
<context>
    <name>EndParticipationDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/status_dialogs.py" line="80"/>
        <source>Hentikan kepesertaan</source>
        <extracomment>the service call each dialog makes; defined by the subclasses</extracomment>
        <translation>End participation</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/status_dialogs.py" line="82"/>
        <source>Kepesertaan {name} ({reg}) akan dihentikan setelah Anda memilih alasan dan tanggalnya. Datanya tetap tersimpan beserta riwayatnya dan dapat diaktifkan kembali.</source>
        <translation>The participation of {name} ({reg}) will end once you choose the reason and the date. The data stays stored with its history and can be reactivated.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/status_dialogs.py" line="88"/>
        <source>— pilih alasan —</source>
        <translation>— choose a reason —</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/status_dialogs.py" line="91"/>
        <source>Alasan *</source>
        <translation>Reason *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/status_dialogs.py" line="92"/>
        <source>Tanggal berhenti *</source>
        <translation>End date *</translation>
    </message>
</context>
<context>
    <name>HelpWindow</name>
    <message>
        <location filename="../../kudus_desktop/gui/help_window.py" line="39"/>
        <source>Panduan pengguna — Kudus Desktop</source>
        <translation>User guide — Kudus Desktop</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/help_window.py" line="81"/>
        <source>Cari di panduan…</source>
        <translation>Search the guide…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/help_window.py" line="87"/>
        <source>Berikutnya</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/help_window.py" line="89"/>
        <source>Simpan PDF…</source>
        <translation>Save PDF…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/help_window.py" line="92"/>
        <source>Cetak…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/help_window.py" line="171"/>
        <source>Tidak ditemukan</source>
        <translation>Not found</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/help_window.py" line="174"/>
        <source>Simpan panduan sebagai PDF</source>
        <translation>Save the guide as PDF</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/help_window.py" line="179"/>
        <source>Menulis panduan…</source>
        <translation>Writing the guide…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/help_window.py" line="181"/>
        <source>Panduan</source>
        <translation>Guide</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/help_window.py" line="181"/>
        <source>Panduan disimpan di {path}.</source>
        <translation>The guide was saved to {path}.</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/history_dialog.py" line="92"/>
        <source>Riwayat — {name}</source>
        <translation>History — {name}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/history_dialog.py" line="104"/>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/history_dialog.py" line="106"/>
        <source>{reg} · {n} kejadian tercatat</source>
        <translation>{reg} · {n} recorded events</translation>
    </message>
</context>
<context>
    <name>HistoryTableModel</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/history_dialog.py" line="73"/>
        <source>Waktu</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/history_dialog.py" line="74"/>
        <source>Pengguna</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/history_dialog.py" line="75"/>
        <source>Kejadian</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/history_dialog.py" line="76"/>
        <source>Data</source>
        <translation>Field</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/history_dialog.py" line="77"/>
        <source>Sebelumnya</source>
        <translation>Before</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/history_dialog.py" line="78"/>
        <source>Menjadi</source>
        <translation>After</translation>
    </message>
</context>
<context>
    <name>ImportConfirmDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="173"/>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="191"/>
        <source>Impor</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="177"/>
        <source>Baris dengan peringatan yang akan diimpor</source>
        <translation>Rows with warnings that will be imported</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="182"/>
        <source>Lewati {n} baris: {kind}</source>
        <translation>Leave out {n} rows: {kind}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="192"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="208"/>
        <source>Akan diimpor: {n} baris.</source>
        <translation>To be imported: {n} rows.</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="226"/>
        <source>Impor daftar calon peserta</source>
        <translation>Import a candidate list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="229"/>
        <source>Baca daftar DTKS, DTSEN, P3KE atau daftar RT/RW dari Excel, LibreOffice atau CSV. Tidak ada yang disimpan sebelum pratinjau diperiksa dan impor dikonfirmasi.</source>
        <translation>Read a DTKS, DTSEN, P3KE or RT/RW list from Excel, LibreOffice or CSV. Nothing is saved until the preview has been checked and the import confirmed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="234"/>
        <source>Pilih berkas…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="236"/>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="428"/>
        <source>Belum ada berkas dipilih.</source>
        <translation>No file chosen yet.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="248"/>
        <source>hh/bb/tttt</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="256"/>
        <source>hh/bb/tttt (bawaan: hari ini)</source>
        <translation>dd/mm/yyyy (default: today)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="257"/>
        <source>Ingat pemetaan kolom untuk sumber ini</source>
        <translation>Remember the column mapping for this source</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="262"/>
        <source>Peserta dari sumber yang sama yang tidak ada di berkas ini masuk daftar tinjauan; tidak ada yang dihentikan otomatis.</source>
        <translation>Participants of the same source who are not in this file go on the review list; nobody is ended automatically.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="266"/>
        <source>Berkas dan ketentuan</source>
        <translation>File and terms</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="269"/>
        <source>Lembar</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="270"/>
        <source>Baris judul kolom</source>
        <translation>Header row</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="271"/>
        <source>Sumber data</source>
        <translation>Source list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="272"/>
        <source>Tanggal sumber data</source>
        <translation>Source list date</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="273"/>
        <source>Kategori (bila tidak ada di berkas)</source>
        <translation>Category (when the file has none)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="274"/>
        <source>Sumber dana (bila tidak ada di berkas)</source>
        <translation>Funding source (when the file has none)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="275"/>
        <source>Tanggal mulai kepesertaan</source>
        <translation>Participation start date</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="279"/>
        <source>Bila dicentang, peserta dari sumber ini yang tidak ada lagi di berkas dilaporkan.</source>
        <translation>When ticked, participants of this source no longer in the file are reported.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="285"/>
        <source>Kolom di berkas</source>
        <translation>Columns in the file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="295"/>
        <source>Pratinjau</source>
        <translation>Preview</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="307"/>
        <source>Ketentuan atau kolom diubah sejak pratinjau: tekan Pratinjau lagi.</source>
        <translation>A term or column changed since the preview: press Preview again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="314"/>
        <source>Semua baris</source>
        <translation>All rows</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="315"/>
        <source>Ditambahkan</source>
        <translation>Added</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="316"/>
        <source>Diperbarui</source>
        <translation>Updated</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="317"/>
        <source>Tidak berubah</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="318"/>
        <source>Ditolak</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="319"/>
        <source>Peringatan</source>
        <translation>Warnings</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="329"/>
        <source>Simpan laporan masalah…</source>
        <translation>Save problem report…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="331"/>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="512"/>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="653"/>
        <source>Impor</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="355"/>
        <source>Verifikator memeriksa data, tidak mengimpornya: impor daftar dilakukan oleh admin atau operator.</source>
        <translation>A verifikator checks data and does not import it: lists are imported by an admin or an operator.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="416"/>
        <source>Pilih daftar</source>
        <translation>Choose a list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="444"/>
        <source>Kolom NIK tidak ditemukan otomatis: pilih lembar, baris judul dan kolomnya.</source>
        <translation>The NIK column was not found automatically: choose the sheet, the header row and the columns.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="463"/>
        <source>— tidak ada —</source>
        <translation>— none —</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="465"/>
        <source>(kolom {n})</source>
        <translation>(column {n})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="512"/>
        <source>Impor {n} peserta</source>
        <translation>Import {n} participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="423"/>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="424"/>
        <source>Membaca {name}…</source>
        <translation>Reading {name}…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="259"/>
        <source>Daftar lengkap terbaru dari sumber ini</source>
        <translation>The newest complete list from this source</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="533"/>
        <source>Membatalkan pratinjau…</source>
        <translation>Cancelling the preview…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="543"/>
        <source>Memeriksa {name}…</source>
        <translation>Checking {name}…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="572"/>
        <source>Memeriksa… {n} baris sejauh ini: </source>
        <translation>Checking… {n} rows so far: </translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="586"/>
        <source>Pratinjau dibatalkan; tidak ada yang disimpan.</source>
        <translation>Preview cancelled; nothing was saved.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="594"/>
        <source>{add} baru, {update} diperbarui, {same} tidak berubah, {rejected} ditolak, {warn} dengan peringatan</source>
        <translation>{add} new, {update} updated, {same} unchanged, {rejected} rejected, {warn} with warnings</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="613"/>
        <source>Lembar ini berisi rumus; yang dibaca adalah hasil terakhir yang disimpan Excel.</source>
        <translation>This sheet contains formulas; the values read are the last results Excel saved.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="616"/>
        <source>{n} peserta aktif dari {source} tidak ada lagi di berkas ini; setelah impor mereka masuk daftar tinjauan (tidak dihentikan otomatis).</source>
        <translation>{n} active participants from {source} are no longer in this file; after the import they go on the review list (not ended automatically).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="626"/>
        <source>Simpan laporan masalah</source>
        <translation>Save problem report</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="635"/>
        <source>Laporan masalah</source>
        <translation>Problem report</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="635"/>
        <source>{n} baris bermasalah ditulis ke {path}.</source>
        <translation>{n} problem rows written to {path}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="642"/>
        <source>Tambahkan {add} peserta baru dan perbarui {update} peserta dari {name}? {rejected} baris yang ditolak tidak diimpor.</source>
        <translation>Add {add} new participants and update {update} from {name}? The {rejected} rejected rows are not imported.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="304"/>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="653"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="664"/>
        <source>Menyimpan peserta…</source>
        <translation>Saving participants…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="676"/>
        <source>Selesai: {add} peserta ditambahkan, {update} diperbarui.</source>
        <translation>Done: {add} participants added, {update} updated.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="680"/>
        <source>{n} baris dengan peringatan dilewati.</source>
        <translation>{n} rows with warnings were left out.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="685"/>
        <source>Impor dibatalkan; tidak ada yang disimpan.</source>
        <translation>Import cancelled; nothing was saved.</translation>
    </message>
</context>
<context>
    <name>ImportPreviewTableModel</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="101"/>
        <source>Baris</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="101"/>
        <source>NIK di berkas</source>
        <translation>NIK in the file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="101"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="101"/>
        <source>Hasil</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="101"/>
        <source>Keterangan</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="107"/>
        <source>Ditambahkan</source>
        <translation>Added</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="108"/>
        <source>Diperbarui</source>
        <translation>Updated</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="109"/>
        <source>Tidak berubah</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="110"/>
        <source>Ditolak</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="127"/>
        <source> (peringatan)</source>
        <translation> (warning)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/import_page.py" line="130"/>
        <source>Diubah: {fields}</source>
        <translation>Changed: {fields}</translation>
    </message>
</context>
<context>
    <name>Kode</name>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="943"/>
        <source>Pekerja rentan</source>
        <extracomment>Labels of stored codes, keyed by &quot;group:code&quot;.</extracomment>
        <translation>Vulnerable worker</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="944"/>
        <source>Ketua RT/RW</source>
        <translation>RT/RW head</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="945"/>
        <source>Linmas</source>
        <translation>Linmas</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="946"/>
        <source>Anggota BPD</source>
        <translation>BPD member</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="947"/>
        <source>Perangkat/lembaga desa</source>
        <translation>Village official/institution</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="948"/>
        <source>Buruh tani</source>
        <translation>Farm labourer</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="949"/>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="953"/>
        <source>Lainnya</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="950"/>
        <source>PADes</source>
        <translation>PADes (village own revenue)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="951"/>
        <source>Bagi hasil pajak dan retribusi</source>
        <translation>Tax and levy revenue share</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="952"/>
        <source>APBD Kabupaten</source>
        <translation>Regency budget (APBD)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="954"/>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1067"/>
        <source>Aktif</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="955"/>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="974"/>
        <source>Berhenti</source>
        <translation>Ended</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="977"/>
        <source>Laki-laki</source>
        <translation>Male</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="978"/>
        <source>Perempuan</source>
        <translation>Female</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="979"/>
        <source>Meninggal dunia</source>
        <translation>Died</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="980"/>
        <source>Pindah domisili</source>
        <translation>Moved away</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="969"/>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="981"/>
        <source>Masa jabatan berakhir</source>
        <translation>Term of office ended</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="982"/>
        <source>Mengundurkan diri</source>
        <translation>Resigned</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="983"/>
        <source>Tidak memenuhi syarat</source>
        <translation>Ineligible</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="984"/>
        <source>Didaftarkan</source>
        <translation>Enrolled</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="985"/>
        <source>Diubah</source>
        <translation>Changed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="986"/>
        <source>Dihentikan</source>
        <translation>Ended</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="987"/>
        <source>Diaktifkan kembali</source>
        <translation>Reactivated</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="988"/>
        <source>Diperbarui dari kabupaten</source>
        <translation>Updated by the regency</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1011"/>
        <source>Belum dikirim</source>
        <translation>Not sent yet</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1012"/>
        <source>Terkirim</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1013"/>
        <source>Diterima</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1004"/>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1014"/>
        <source>Ditolak</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="989"/>
        <source>Jawaban BPJS dicatat</source>
        <translation>BPJS&apos;s answer recorded</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="990"/>
        <source>Disetujui verifikator</source>
        <translation>Approved by the verifier</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="972"/>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="991"/>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1017"/>
        <source>Dikembalikan verifikator</source>
        <translation>Sent back by the verifier</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="956"/>
        <source>umur di atas batas umur peserta</source>
        <translation>age above the participant age limit</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="957"/>
        <source>umur di bawah 15 tahun</source>
        <translation>age under 15</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="958"/>
        <source>jenis kelamin tidak sesuai NIK</source>
        <translation>sex does not match the NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="959"/>
        <source>tanggal lahir tidak sesuai NIK</source>
        <translation>date of birth does not match the NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="960"/>
        <source>NIK terbit di luar Kabupaten Kudus</source>
        <translation>NIK issued outside Kudus Regency</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="961"/>
        <source>kode kecamatan NIK tidak dikenal</source>
        <translation>unknown district code in the NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="962"/>
        <source>mungkin orang yang sama dengan peserta lain</source>
        <translation>possibly the same person as another participant</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="963"/>
        <source>mungkin orang yang sama dengan baris lain berkas ini</source>
        <translation>possibly the same person as another row of this file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="964"/>
        <source>desil tidak sah</source>
        <translation>invalid decile</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="965"/>
        <source>tanggal pada No. KK tidak wajar</source>
        <translation>implausible date in the KK number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="966"/>
        <source>NIK tertulis sebagai angka di Excel</source>
        <translation>NIK written as a number in Excel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="967"/>
        <source>No. KK tertulis sebagai angka di Excel</source>
        <translation>KK number written as a number in Excel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="968"/>
        <source>Melewati batas umur</source>
        <translation>Past the age limit</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="970"/>
        <source>Tidak ada lagi di daftar sumber</source>
        <translation>No longer on the source list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="971"/>
        <source>Menunggu persetujuan verifikator</source>
        <translation>Waiting for the verifier</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="973"/>
        <source>Ditolak kabupaten/BPJS</source>
        <translation>Rejected by the regency/BPJS</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="975"/>
        <source>Menunggu pendaftaran BPJS</source>
        <translation>Waiting for BPJS registration</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="976"/>
        <source>Terdaftar di BPJS</source>
        <translation>Registered with BPJS</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="992"/>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1016"/>
        <source>Menunggu persetujuan</source>
        <translation>Awaiting approval</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="993"/>
        <source>Dikembalikan</source>
        <translation>Sent back</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="994"/>
        <source>Pendaftaran baru</source>
        <translation>New enrolment</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="995"/>
        <source>Perubahan data</source>
        <translation>Change of data</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="996"/>
        <source>NIK sama di dua desa</source>
        <translation>Same NIK in two villages</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="997"/>
        <source>NIK ada di daftar APBD</source>
        <translation>NIK on the APBD list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="998"/>
        <source>Mirip: nama, tanggal lahir dan KK sama</source>
        <translation>Look-alike: same name, birth date and KK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="999"/>
        <source>Yang pertama berlaku</source>
        <translation>The first stands</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1000"/>
        <source>Yang kedua berlaku</source>
        <translation>The second stands</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1001"/>
        <source>Bukan orang yang sama</source>
        <translation>Not the same person</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1002"/>
        <source>Selesai sendiri (salah satu tidak aktif lagi)</source>
        <translation>Closed by itself (one is no longer active)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1003"/>
        <source>Terdaftar</source>
        <translation>Registered</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1005"/>
        <source>KPJ dicatat</source>
        <translation>KPJ recorded</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1006"/>
        <source>Ditolak BPJS</source>
        <translation>Rejected by BPJS</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1007"/>
        <source>Sudah tercatat</source>
        <translation>Already recorded</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1008"/>
        <source>NIK tidak dikenal</source>
        <translation>Unknown NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1009"/>
        <source>Belum pernah dikirim ke BPJS</source>
        <translation>Never sent to BPJS</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1010"/>
        <source>Baris salah</source>
        <translation>Faulty row</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1015"/>
        <source>Ditinjau kabupaten</source>
        <translation>Under regency review</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1018"/>
        <source>paket sinkronisasi</source>
        <translation>a sync package</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1019"/>
        <source>tanda terima</source>
        <translation>a receipt</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1020"/>
        <source>Admin</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1021"/>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1022"/>
        <source>Verifikator</source>
        <translation>Verifier</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1023"/>
        <source>Masuk</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1024"/>
        <source>Gagal masuk</source>
        <translation>Failed log-in</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1025"/>
        <source>Masuk ditolak: akun terkunci</source>
        <translation>Log-in refused: account locked</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1026"/>
        <source>Masuk ditolak: akun nonaktif</source>
        <translation>Log-in refused: account disabled</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1027"/>
        <source>Akun dibuat</source>
        <translation>Account created</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1028"/>
        <source>Akun dinonaktifkan</source>
        <translation>Account disabled</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1029"/>
        <source>Akun diaktifkan</source>
        <translation>Account enabled</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1030"/>
        <source>Kata sandi diatur ulang</source>
        <translation>Password reset</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1031"/>
        <source>Kata sandi sendiri diganti</source>
        <translation>Own password changed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1032"/>
        <source>Ganti kata sandi gagal: kata sandi lama salah</source>
        <translation>Password change refused: the current password was wrong</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1033"/>
        <source>Keluar akun</source>
        <translation>Logged out</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1034"/>
        <source>Berkas pemulihan admin dibuat</source>
        <translation>Admin recovery file made</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1035"/>
        <source>Kata sandi admin dipulihkan dengan berkas kabupaten</source>
        <translation>Admin password recovered with the regency&apos;s file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1036"/>
        <source>Kop dan penandatangan diubah</source>
        <translation>Letterhead and signatory changed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1037"/>
        <source>Berkas bantuan dibuat</source>
        <translation>Support file made</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1038"/>
        <source>Peserta didaftarkan</source>
        <translation>Participant enrolled</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1039"/>
        <source>Data peserta diubah</source>
        <translation>Participant changed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1040"/>
        <source>Kepesertaan dihentikan</source>
        <translation>Participation ended</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1041"/>
        <source>Kepesertaan diaktifkan kembali</source>
        <translation>Participation reactivated</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1042"/>
        <source>Daftar diimpor</source>
        <translation>List imported</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1043"/>
        <source>Data peserta disetujui</source>
        <translation>Participant data approved</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1044"/>
        <source>Data peserta dikembalikan</source>
        <translation>Participant data sent back</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1045"/>
        <source>Aturan persetujuan diubah</source>
        <translation>Approval rule changed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1046"/>
        <source>Daftar peserta diekspor</source>
        <translation>Roster exported</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1047"/>
        <source>Daftar BPJS diekspor</source>
        <translation>BPJS list exported</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1048"/>
        <source>Log audit diekspor</source>
        <translation>Audit log exported</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1049"/>
        <source>NIK lengkap ditampilkan</source>
        <translation>Full NIKs shown</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1050"/>
        <source>Cadangan dibuat</source>
        <translation>Backup made</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1051"/>
        <source>Laporan data pribadi dibuat</source>
        <translation>Personal data report made</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1052"/>
        <source>Kartu dicetak</source>
        <translation>Cards printed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1053"/>
        <source>Daftar peserta dicetak</source>
        <translation>Participant list printed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1054"/>
        <source>Basis data dipulihkan</source>
        <translation>Database restored</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1055"/>
        <source>Terhubung dengan kabupaten</source>
        <translation>Joined the regency</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1056"/>
        <source>Paket sinkronisasi dibuat</source>
        <translation>Sync package written</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1057"/>
        <source>Tanda terima diterapkan</source>
        <translation>Receipt applied</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1058"/>
        <source>Berkas setup desa dibuat</source>
        <translation>Village setup file written</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1059"/>
        <source>Perangkat desa didaftarkan</source>
        <translation>Village device registered</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1060"/>
        <source>Paket desa diimpor</source>
        <translation>Village package imported</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1061"/>
        <source>Kirim ulang lengkap diminta</source>
        <translation>Full resend requested</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1062"/>
        <source>Tanda terima dibuat</source>
        <translation>Receipt written</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1063"/>
        <source>Kunci perangkat diganti</source>
        <translation>Device keys renewed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1064"/>
        <source>Perangkat desa dicabut</source>
        <translation>Village device revoked</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1065"/>
        <source>Paket digantikan (nomor sudah dipakai)</source>
        <translation>Package superseded (number already used)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1066"/>
        <source>Kunci perangkat dibuat baru</source>
        <translation>New device keys made</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1068"/>
        <source>Diganti</source>
        <translation>Replaced</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1069"/>
        <source>Dicabut</source>
        <translation>Revoked</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1070"/>
        <source>Pemeriksaan kepesertaan ganda</source>
        <translation>Double-enrolment check</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1071"/>
        <source>Kepesertaan ganda diputuskan</source>
        <translation>Double enrolment decided</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1072"/>
        <source>Daftar APBD diimpor</source>
        <translation>APBD list imported</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1073"/>
        <source>Daftar pendaftaran BPJS dibuat</source>
        <translation>BPJS registration list made</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1074"/>
        <source>Hasil BPJS diimpor</source>
        <translation>BPJS results imported</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1075"/>
        <source>Laporan cakupan dibuat</source>
        <translation>Coverage report made</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1076"/>
        <source>Laporan perangkat/flashdisk hilang</source>
        <translation>Lost device/stick report</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1077"/>
        <source>Masa simpan data diatur</source>
        <translation>Retention period set</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1078"/>
        <source>Data lama dihapus</source>
        <translation>Old data removed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1079"/>
        <source>Tarif iuran diubah</source>
        <translation>Premium rate changed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1080"/>
        <source>Pembayaran iuran dicatat</source>
        <translation>Premium payment recorded</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1081"/>
        <source>Pembayaran iuran dibatalkan</source>
        <translation>Premium payment voided</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1082"/>
        <source>Anggaran iuran dicatat</source>
        <translation>Premium budget recorded</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1083"/>
        <source>Laporan iuran dibuat</source>
        <translation>Premium report made</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1084"/>
        <source>Informasi data pribadi dicetak</source>
        <translation>Personal data notice printed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1085"/>
        <source>Pembaruan diterbitkan</source>
        <translation>Update published</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1086"/>
        <source>Pemasangan pembaruan dimulai</source>
        <translation>Update installation started</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1087"/>
        <source>Pembaruan ditolak: gagal uji sebelum dipasang</source>
        <translation>Update refused: failed its test before installation</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1088"/>
        <source>Pembaruan terpasang dan lulus uji mandiri</source>
        <translation>Update installed and passed its selftest</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1089"/>
        <source>Pembaruan gagal uji mandiri; versi lama dipulihkan</source>
        <translation>Update failed its selftest; previous version restored</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1090"/>
        <source>Pembaruan gagal uji mandiri; versi lama tidak dapat dipulihkan</source>
        <translation>Update failed its selftest; previous version could not be restored</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1091"/>
        <source>Bukan peserta</source>
        <translation>Not a participant</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1092"/>
        <source>Belum dicatat</source>
        <translation>Not tracked</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1093"/>
        <source>Lunas</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1094"/>
        <source>Belum jatuh tempo</source>
        <translation>Not yet due</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1095"/>
        <source>Menunggak</source>
        <translation>In arrears</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1096"/>
        <source>Gugur, daftar ulang</source>
        <translation>Lapsed, register again</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1097"/>
        <source>Tarif</source>
        <translation>Rate</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1098"/>
        <source>Diskon</source>
        <translation>Discount</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1099"/>
        <source>Desa</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="1100"/>
        <source>Kabupaten</source>
        <translation>Regency</translation>
    </message>
</context>
<context>
    <name>Kolom</name>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="867"/>
        <source>NIK</source>
        <extracomment>Labels of participant fields (also used in history and validation messages).</extracomment>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="868"/>
        <source>Nomor KK</source>
        <translation>Family card number (KK)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="869"/>
        <source>Nama lengkap</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="870"/>
        <source>Tempat lahir</source>
        <translation>Place of birth</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="871"/>
        <source>Tanggal lahir</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="872"/>
        <source>Jenis kelamin</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="873"/>
        <source>Alamat</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="874"/>
        <source>Dusun</source>
        <translation>Hamlet (dusun)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="875"/>
        <source>RT</source>
        <translation>RT</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="876"/>
        <source>RW</source>
        <translation>RW</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="877"/>
        <source>Telepon</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="878"/>
        <source>Pekerjaan</source>
        <translation>Occupation</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="879"/>
        <source>Kategori</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="880"/>
        <source>Sumber data</source>
        <translation>Source list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="881"/>
        <source>Tanggal sumber data</source>
        <translation>Source list date</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="882"/>
        <source>Sumber dana</source>
        <translation>Funding source</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="883"/>
        <source>Tanggal mulai</source>
        <translation>Start date</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="884"/>
        <source>Akhir masa jabatan</source>
        <translation>End of term of office</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="885"/>
        <source>ID di daftar sumber</source>
        <translation>ID in the source list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="886"/>
        <source>Desil</source>
        <translation>Decile</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="887"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="888"/>
        <source>Alasan berhenti</source>
        <translation>Reason for ending</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="889"/>
        <source>Tanggal berhenti</source>
        <translation>End date</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="890"/>
        <source>Nomor KPJ</source>
        <translation>KPJ number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="891"/>
        <source>Pendaftaran BPJS</source>
        <translation>BPJS registration</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="892"/>
        <source>Nomor registrasi</source>
        <translation>Registration number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="893"/>
        <source>Nama pengguna</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="894"/>
        <source>Kata sandi</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="895"/>
        <source>Nama penandatangan</source>
        <translation>Signatory name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="896"/>
        <source>Jabatan penandatangan</source>
        <translation>Signatory title</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="897"/>
        <source>Dasar penandatanganan</source>
        <translation>Signing basis</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="898"/>
        <source>Jabatan yang menandatangani a.n.</source>
        <translation>Position signing on behalf (a.n.)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="899"/>
        <source>Jabatan yang menandatangani u.b.</source>
        <translation>Position signing for them (u.b.)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="900"/>
        <source>Pangkat/golongan</source>
        <translation>Rank/grade</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="901"/>
        <source>NIP</source>
        <translation>NIP (civil servant number)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="902"/>
        <source>Nama dinas</source>
        <translation>Agency name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="903"/>
        <source>Alamat kantor</source>
        <translation>Office address</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="904"/>
        <source>Jenis keputusan</source>
        <translation>Decree type</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="905"/>
        <source>Nomor keputusan</source>
        <translation>Decree number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="906"/>
        <source>Tanggal keputusan</source>
        <translation>Decree date</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="907"/>
        <source>Tentang</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="908"/>
        <source>Nama lengkap admin</source>
        <translation>Administrator&apos;s full name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="909"/>
        <source>Peran</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="910"/>
        <source>Kunci layar setelah</source>
        <translation>Lock the screen after</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="911"/>
        <source>Wilayah</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="912"/>
        <source>Batas umur</source>
        <translation>Age limit</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="913"/>
        <source>Telepon kantor</source>
        <translation>Office phone</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="914"/>
        <source>Alasan</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="915"/>
        <source>Alasan dikembalikan</source>
        <translation>Reason sent back</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="916"/>
        <source>Pengenal data</source>
        <translation>Record id</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="917"/>
        <source>Nomor perubahan</source>
        <translation>Change number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="918"/>
        <source>Kode desa</source>
        <translation>Village code</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="919"/>
        <source>Waktu dibuat</source>
        <translation>Created at</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="920"/>
        <source>Waktu diubah</source>
        <translation>Changed at</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="921"/>
        <source>Dibuat oleh</source>
        <translation>Created by</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="922"/>
        <source>Diubah oleh</source>
        <translation>Changed by</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="923"/>
        <source>Perubahan</source>
        <translation>Changes</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="924"/>
        <source>Waktu</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="925"/>
        <source>Tindakan</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="926"/>
        <source>Tanggal bayar</source>
        <translation>Payment date</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="927"/>
        <source>Jumlah</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="928"/>
        <source>Referensi</source>
        <translation>Reference</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="929"/>
        <source>Catatan</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="930"/>
        <source>Bulan pertama</source>
        <translation>First month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="931"/>
        <source>Bulan terakhir</source>
        <translation>Last month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="932"/>
        <source>Jumlah orang</source>
        <translation>Number of people</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="933"/>
        <source>Waktu dibatalkan</source>
        <translation>Voided at</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="934"/>
        <source>Dibatalkan oleh</source>
        <translation>Voided by</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="935"/>
        <source>Alasan pembatalan</source>
        <translation>Reason for voiding</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="936"/>
        <source>Pembayaran</source>
        <translation>Payment</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="937"/>
        <source>Peserta</source>
        <translation>Participant</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="938"/>
        <source>Bulan</source>
        <translation>Month</translation>
    </message>
</context>
<context>
    <name>ListPrintDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="696"/>
        <source>Cetak daftar peserta</source>
        <translation>Print participant list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="697"/>
        <source>{n} peserta sesuai pencarian dan saringan</source>
        <translation>{n} participants matching the search and filters</translation>
    </message>
</context>
<context>
    <name>LockDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/idle_lock.py" line="44"/>
        <source>Layar terkunci</source>
        <extracomment>The lock dialog&apos;s result when the person at the PC is someone else, who logs in anew.</extracomment>
        <translation>Screen locked</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/idle_lock.py" line="47"/>
        <source>Kudus Desktop dikunci karena tidak dipakai. Masukkan kata sandi {name} untuk melanjutkan.</source>
        <translation>Kudus Desktop was locked because it was not in use. Enter the password of {name} to continue.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/idle_lock.py" line="59"/>
        <source>Kata sandi</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/idle_lock.py" line="61"/>
        <source>Buka</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/idle_lock.py" line="62"/>
        <source>Ganti pengguna</source>
        <translation>Switch user</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/idle_lock.py" line="65"/>
        <source>Keluar</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/login_dialog.py" line="45"/>
        <source>Masuk — Kudus Desktop</source>
        <translation>Log in — Kudus Desktop</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/login_dialog.py" line="66"/>
        <source>Lupa kata sandi admin…</source>
        <translation>Forgot the admin password…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/login_dialog.py" line="73"/>
        <source>Nama pengguna</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/login_dialog.py" line="74"/>
        <source>Kata sandi</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/login_dialog.py" line="77"/>
        <source>Masuk</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/login_dialog.py" line="78"/>
        <source>Keluar</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/login_dialog.py" line="115"/>
        <source>Kata sandi admin sudah diganti. Masuk dengan kata sandi baru.</source>
        <translation>The admin password was changed. Log in with the new password.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="74"/>
        <source>Kudus Desktop — {place}</source>
        <extracomment>The person at the PC leaves the window for someone else to log in (the window closes).</extracomment>
        <translation>Kudus Desktop — {place}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="97"/>
        <location filename="../../kudus_desktop/gui/main_window.py" line="243"/>
        <source>Persetujuan</source>
        <extracomment>Opened maximised where 1280x720 would not fit (a 1024x768 or 1366x768 screen less its taskbar) or where the size remembered from another screen is larger than this one.</extracomment>
        <translation>Approval</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="98"/>
        <source>Iuran</source>
        <translation>Premiums</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="105"/>
        <source>Ganda</source>
        <translation>Doubles</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="106"/>
        <source>BPJS</source>
        <translation>BPJS</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="117"/>
        <source>Beranda</source>
        <translation>Home</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="118"/>
        <source>Peserta</source>
        <translation>Participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="120"/>
        <source>Impor</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="121"/>
        <source>Sinkronisasi</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="123"/>
        <source>Pengaturan</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="147"/>
        <source>Pengguna: {name} ({role})</source>
        <translation>User: {name} ({role})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="149"/>
        <source>Basis data: {path}</source>
        <translation>Database: {path}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="176"/>
        <source>&amp;Berkas</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="177"/>
        <source>&amp;Keluar</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="180"/>
        <source>Ganti kata &amp;sandi…</source>
        <translation>Change pass&amp;word…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="182"/>
        <source>Ganti &amp;pengguna…</source>
        <translation>Switch &amp;user…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="183"/>
        <source>Keluar dari akun ini; orang lain masuk dengan akunnya sendiri.</source>
        <translation>Log out of this account; someone else logs in with their own.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="191"/>
        <source>&amp;Bantuan</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="193"/>
        <source>&amp;Panduan pengguna</source>
        <translation>User &amp;guide</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="195"/>
        <source>Panduan untuk halaman yang sedang dibuka (F1)</source>
        <translation>The guide for the page on screen (F1)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="199"/>
        <source>Buat &amp;berkas bantuan…</source>
        <translation>Make a &amp;support file…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="201"/>
        <source>Satu berkas zip berisi versi, catatan kejadian dan pemeriksaan basis data untuk petugas bantuan, tanpa data pribadi.</source>
        <translation>One zip file with the version, the logs and the database check for the support person, without personal data.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="209"/>
        <source>&amp;Tentang Kudus Desktop</source>
        <translation>&amp;About Kudus Desktop</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="244"/>
        <source>{text} ({n})</source>
        <translation>{text} ({n})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="254"/>
        <source>Desa {desa}, Kec. {kec} ({code})</source>
        <translation>Village {desa}, District {kec} ({code})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="258"/>
        <source>{name} ({code}) — mode kabupaten</source>
        <translation>{name} ({code}) — regency mode</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="291"/>
        <source>Ganti kata sandi</source>
        <translation>Change password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="291"/>
        <source>Kata sandi akun {name} sudah diganti.</source>
        <translation>The password of account {name} has been changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="301"/>
        <source>Simpan berkas bantuan</source>
        <translation>Save support file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="311"/>
        <source>Berkas bantuan</source>
        <translation>Support file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="312"/>
        <source>Berkas bantuan disimpan di {path} ({logs} catatan; keutuhan basis data: {check}). Kirimkan berkas ini kepada petugas bantuan; isinya tanpa nama dan NIK.</source>
        <translation>Support file saved to {path} ({logs} logs; database integrity: {check}). Send this file to the support person; it holds no names and no NIKs.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="321"/>
        <source>Tentang Kudus Desktop</source>
        <translation>About Kudus Desktop</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/main_window.py" line="322"/>
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
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="31"/>
        <source>Selamat datang di Kudus Desktop</source>
        <translation>Welcome to Kudus Desktop</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="32"/>
        <source>Aplikasi ini menyimpan data di komputer ini. Pilih kantor yang memakainya.</source>
        <translation>This application keeps its data on this computer. Choose the office that uses it.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="33"/>
        <source>Kantor desa: mendaftarkan dan mengelola peserta desa</source>
        <translation>Village office: enrol and manage the village&apos;s participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="35"/>
        <source>Kabupaten (DPMD Kudus): menghimpun data 123 desa</source>
        <translation>Regency (DPMD Kudus): gather the data of 123 villages</translation>
    </message>
</context>
<context>
    <name>NoticePrintDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="718"/>
        <source>{n} lembar, satu untuk setiap peserta</source>
        <translation>{n} sheets, one per participant</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="722"/>
        <source>Satu lembar kosong untuk diisi tangan</source>
        <translation>One blank sheet to fill in by hand</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="725"/>
        <source>Cetak lembar informasi data pribadi</source>
        <translation>Print the personal data information sheet</translation>
    </message>
</context>
<context>
    <name>OnlineSyncRunner</name>
    <message>
        <location filename="../../kudus_desktop/gui/sync/online_sync.py" line="94"/>
        <source>Menyinkronkan…</source>
        <extracomment>a newer version, verified and kept in the data folder (an updates.StagedUpdate) the server being reached, emitted from the exchange&apos;s thread (delivered queued)</extracomment>
        <translation>Synchronising…</translation>
    </message>
</context>
<context>
    <name>PaperBox</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="49"/>
        <source>Kop surat dan tanda tangan</source>
        <translation>Letterhead and signature</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="58"/>
        <source>Ditandatangani kepala sendiri</source>
        <translation>Signed by the head in person</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="59"/>
        <source>a.n. (atas nama) kepala, oleh pejabat lain</source>
        <translation>a.n. (on behalf of) the head, by another official</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="60"/>
        <source>a.n. ... u.b. (untuk beliau), oleh pejabat di bawahnya</source>
        <translation>a.n. ... u.b. (for them), by an official below</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="61"/>
        <source>Plt. (pelaksana tugas)</source>
        <translation>Plt. (acting head)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="62"/>
        <source>Plh. (pelaksana harian)</source>
        <translation>Plh. (daily stand-in)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="63"/>
        <source>Pj. (penjabat)</source>
        <translation>Pj. (appointed acting head)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="78"/>
        <source>Dasar penandatanganan</source>
        <translation>Signing basis</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="80"/>
        <source>Jabatan yang menandatangani a.n.</source>
        <translation>Position signing on behalf (a.n.)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="81"/>
        <source>mis. Sekretaris Desa</source>
        <translation>e.g. Sekretaris Desa</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="84"/>
        <source>Jabatan yang menandatangani u.b.</source>
        <translation>Position signing for them (u.b.)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="85"/>
        <source>mis. Kepala Urusan Tata Usaha dan Umum</source>
        <translation>e.g. Kepala Urusan Tata Usaha dan Umum</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="87"/>
        <source>Pangkat/golongan (ASN)</source>
        <translation>Rank/grade (civil servant)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="87"/>
        <source>mis. Penata Tk. I (III/d)</source>
        <translation>e.g. Penata Tk. I (III/d)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="89"/>
        <source>NIP (ASN)</source>
        <translation>NIP (civil servant)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="93"/>
        <source>18 digit, mis. 19750812 200003 1 004</source>
        <translation>18 digits, e.g. 19750812 200003 1 004</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="98"/>
        <source>Nama dinas</source>
        <translation>Agency name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="102"/>
        <source>Alamat kantor di kop</source>
        <translation>Office address on the letterhead</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="103"/>
        <source>mis. Jl. Raya Jati No. 5, Kudus 59343</source>
        <translation>e.g. Jl. Raya Jati No. 5, Kudus 59343</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="106"/>
        <source>Nama penandatangan di atas adalah nama pejabat yang benar-benar menandatangani (pada a.n., u.b., Plt., Plh. dan Pj.: nama pejabat itu).</source>
        <translation>The signatory name above is the official who actually signs (for a.n., u.b., Plt., Plh. and Pj.: that official&apos;s name).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="120"/>
        <source>Daftar peserta sebagai lampiran</source>
        <translation>Participant list as an annex to</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="122"/>
        <source>Nomor keputusan</source>
        <translation>Decree number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="122"/>
        <source>kosong: bukan lampiran</source>
        <translation>empty: not an annex</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="125"/>
        <source>Tanggal keputusan</source>
        <translation>Decree date</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="125"/>
        <source>mis. 02/12/2026</source>
        <translation>e.g. 02/12/2026</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="127"/>
        <source>Tentang</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="128"/>
        <source>mis. Penetapan Peserta Jaminan Sosial Ketenagakerjaan</source>
        <translation>e.g. Penetapan Peserta Jaminan Sosial Ketenagakerjaan</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="133"/>
        <source>Tercetak</source>
        <translation>Printed as</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="139"/>
        <source>Simpan kop dan tanda tangan</source>
        <translation>Save letterhead and signature</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="168"/>
        <source>[jabatan]</source>
        <translation>[position]</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="174"/>
        <source>Kop: {kop}</source>
        <translation>Letterhead: {kop}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="186"/>
        <source>Pengaturan</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/paper_box.py" line="186"/>
        <source>Kop surat dan tanda tangan disimpan.</source>
        <translation>Letterhead and signature saved.</translation>
    </message>
</context>
<context>
    <name>ParticipantDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="72"/>
        <source>— pilih —</source>
        <translation>— choose —</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="75"/>
        <source>16 digit, tanpa spasi</source>
        <translation>16 digits, no spaces</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="78"/>
        <source>16 digit</source>
        <translation>16 digits</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="79"/>
        <source>sesuai KTP</source>
        <translation>as on the ID card</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="81"/>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="98"/>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="100"/>
        <source>hh/bb/tttt</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="83"/>
        <source>jalan, nomor rumah</source>
        <translation>street, house number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="92"/>
        <source>mis. buruh harian, petani</source>
        <translation>e.g. day labourer, farmer</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="101"/>
        <source>hh/bb/tttt; untuk RT/RW, BPD, Linmas, perangkat</source>
        <translation>dd/mm/yyyy; for RT/RW, BPD, Linmas, staff</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="123"/>
        <source>Identitas</source>
        <translation>Identity</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="136"/>
        <source>Alamat dan kontak</source>
        <translation>Address and contact</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="142"/>
        <source>RW</source>
        <translation>RW</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="149"/>
        <source>Kepesertaan</source>
        <translation>Participation</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="162"/>
        <source>Kolom bertanda * wajib diisi. Enter menyimpan, Esc membatalkan.</source>
        <translation>Fields marked * are required. Enter saves, Esc cancels.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="166"/>
        <source>Iuran 12 bulan terakhir</source>
        <translation>Premiums, last 12 months</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="183"/>
        <source>Simpan</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="184"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="187"/>
        <source>Lembar informasi data pribadi…</source>
        <translation>Personal data information sheet…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="212"/>
        <source>Peserta baru</source>
        <translation>New participant</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="255"/>
        <source>Gugur: lebih dari 3 bulan tidak dibayar; harus didaftarkan ulang.</source>
        <translation>Lapsed: more than 3 months unpaid; must be registered again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="257"/>
        <source>Menunggak {n} bulan.</source>
        <translation>{n} months in arrears.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="259"/>
        <source>Lunas sampai {month}.</source>
        <translation>Paid up to {month}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="261"/>
        <source>Belum ada pembayaran tercatat.</source>
        <translation>No payment recorded yet.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="274"/>
        <source>Ubah peserta — {name}</source>
        <translation>Edit participant — {name}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="293"/>
        <source>No. registrasi: {reg}
Status: {status}
KPJ: {kpj}</source>
        <translation>Registration no.: {reg}
Status: {status}
KPJ: {kpj}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="294"/>
        <source>belum ada</source>
        <translation>none yet</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="297"/>
        <source>Di daftar sumber: ID {id}, desil {desil}</source>
        <translation>In the source list: ID {id}, decile {desil}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="314"/>
        <source>Keadaan: {standing}</source>
        <translation>Standing: {standing}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="316"/>
        <source> (dicatat {when})</source>
        <translation> (recorded {when})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="318"/>
        <source>Alasan: {reason}</source>
        <translation>Reason: {reason}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="330"/>
        <source>Dikembalikan oleh {who} ({when}): {reason}
Perbaiki lalu simpan; data menunggu persetujuan lagi.</source>
        <translation>Sent back by {who} ({when}): {reason}
Correct and save; the data then waits for approval again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="334"/>
        <source>Menunggu persetujuan verifikator sejak {when} ({kind}); belum dikirim ke kabupaten dan kartunya belum dapat dicetak.</source>
        <translation>Awaiting the verifier&apos;s approval since {when} ({kind}); not yet sent to the regency and no card can be printed yet.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="361"/>
        <source>{n}/16 digit</source>
        <translation>{n}/16 digits</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="365"/>
        <source>{sex}, lahir {date}, wilayah {region}</source>
        <translation>{sex}, born {date}, region {region}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="386"/>
        <source>NIK sudah terdaftar</source>
        <translation>NIK already enrolled</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="388"/>
        <source>NIK {nik} sudah terdaftar atas nama {name} ({reg}). Data peserta tersebut dibuka untuk dilihat atau diubah.</source>
        <translation>NIK {nik} is already enrolled for {name} ({reg}). That participant is opened to view or edit.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="448"/>
        <source>Periksa kembali</source>
        <translation>Please check</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="449"/>
        <source>Ada yang perlu diperiksa:

{warnings}

Simpan tetap?</source>
        <translation>Some things need checking:

{warnings}

Save anyway?</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="450"/>
        <source>Simpan tetap</source>
        <translation>Save anyway</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="451"/>
        <source>Periksa lagi</source>
        <translation>Check again</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="478"/>
        <source>Batalkan</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="479"/>
        <source>Perubahan belum disimpan. Buang perubahan?</source>
        <translation>Changes are not saved. Discard them?</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="480"/>
        <source>Buang</source>
        <translation>Discard</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_dialog.py" line="481"/>
        <source>Kembali ke formulir</source>
        <translation>Back to the form</translation>
    </message>
</context>
<context>
    <name>ParticipantTableModel</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="69"/>
        <source>{state} (paket {seq})</source>
        <translation>{state} (package {seq})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="232"/>
        <source>No. registrasi</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="233"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="234"/>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="235"/>
        <source>Kategori</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="236"/>
        <source>RT/RW</source>
        <translation>RT/RW</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="237"/>
        <source>Dusun</source>
        <translation>Hamlet (dusun)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="238"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="239"/>
        <source>Mulai</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="240"/>
        <source>KPJ</source>
        <translation>KPJ</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="241"/>
        <source>Sinkronisasi</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participant_model.py" line="261"/>
        <source>NIK disamarkan. Aktifkan &apos;Tampilkan NIK&apos; untuk melihat seluruhnya.</source>
        <translation>NIK masked. Turn on &apos;Show NIK&apos; to see it in full.</translation>
    </message>
</context>
<context>
    <name>ParticipantsPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="80"/>
        <source>Peserta</source>
        <extracomment>Coalesces bursts of keystrokes; small enough that each keystroke still feels immediate.</extracomment>
        <translation>Participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="85"/>
        <source>Tambah peserta</source>
        <translation>Add participant</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="87"/>
        <source>Daftarkan peserta baru (Ctrl+N)</source>
        <translation>Enrol a new participant (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="88"/>
        <source>Ubah</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="89"/>
        <source>Hentikan</source>
        <translation>End</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="90"/>
        <source>Aktifkan kembali</source>
        <translation>Reactivate</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="91"/>
        <source>Riwayat</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="92"/>
        <source>Tampilkan NIK</source>
        <translation>Show NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="97"/>
        <source>Tampilkan NIK lengkap; secara bawaan NIK disamarkan</source>
        <translation>Show full NIKs; they are masked by default</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="110"/>
        <source>Cari nama, NIK, atau nomor registrasi…</source>
        <translation>Search name, NIK or registration number…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="121"/>
        <source>Semua kategori</source>
        <translation>All categories</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="126"/>
        <source>Semua status</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="150"/>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="174"/>
        <source>Daftar peserta (sesuai pencarian dan saringan)…</source>
        <translation>Participant roster (as searched and filtered)…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="151"/>
        <source>Daftar pendaftaran BPJS (peserta aktif)…</source>
        <translation>BPJS registration list (active participants)…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="156"/>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="486"/>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="537"/>
        <source>Ekspor</source>
        <translation>Export</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="163"/>
        <source>Semua data peserta terpilih (permintaan akses)…</source>
        <translation>Everything about the selected participant (access request)…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="167"/>
        <source>Daftar tinjauan kelayakan (umur, masa jabatan, sumber)…</source>
        <translation>Eligibility review list (age, term of office, source)…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="173"/>
        <source>Kartu peserta…</source>
        <translation>Participant cards…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="179"/>
        <source>Cetak</source>
        <translation>Print</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="191"/>
        <source>Semua wilayah</source>
        <translation>All areas</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="359"/>
        <source>Mencari…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="309"/>
        <source>Pilih satu desa dahulu: dusun, RT dan RW berarti di dalam satu desa.</source>
        <translation>Choose one village first: a dusun, RT or RW means something only within its village.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="320"/>
        <source>Semua dusun</source>
        <translation>All hamlets</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="321"/>
        <source>Semua RT</source>
        <translation>All RT</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="322"/>
        <source>Semua RW</source>
        <translation>All RW</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="373"/>
        <source>Belum ada peserta.
Klik “Tambah peserta” (Ctrl+N) untuk mendaftarkan yang pertama.</source>
        <translation>No participants yet.
Click “Add participant” (Ctrl+N) to enrol the first one.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="377"/>
        <source>Tidak ada peserta yang cocok dengan pencarian dan saringan ini.</source>
        <translation>No participant matches this search and these filters.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="382"/>
        <source>{n} peserta</source>
        <translation>{n} participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="385"/>
        <source>{shown} dari {total} peserta</source>
        <translation>{shown} of {total} participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="486"/>
        <source>{n} peserta ditulis ke {path}.</source>
        <translation>{n} participants written to {path}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="492"/>
        <source>Ekspor daftar peserta</source>
        <translation>Export participant roster</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="499"/>
        <source>Menulis daftar peserta…</source>
        <translation>Writing the participant roster…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="512"/>
        <source>Ekspor daftar pendaftaran BPJS</source>
        <translation>Export BPJS registration list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="518"/>
        <source>Menulis daftar pendaftaran BPJS…</source>
        <translation>Writing the BPJS registration list…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="527"/>
        <source>Data pribadi {name}</source>
        <translation>Personal data of {name}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/participants_page.py" line="539"/>
        <source>Semua data {name} ditulis ke {path}. Berkas ini memuat NIK lengkap: serahkan hanya kepada yang bersangkutan.</source>
        <translation>Everything about {name} was written to {path}. The file holds the full NIK: hand it only to the person concerned.</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="35"/>
        <source>Frasa sandi cadangan</source>
        <translation>Backup passphrase</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="47"/>
        <source>Frasa sandi</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="49"/>
        <source>Ulangi</source>
        <translation>Repeat</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="50"/>
        <source>Simpan frasa sandi ini di tempat aman: tanpa itu cadangan tidak dapat dibuka.</source>
        <translation>Keep this passphrase somewhere safe: without it the backup cannot be opened.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="55"/>
        <source>Lanjut</source>
        <translation>Continue</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/backup_widget.py" line="56"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/password_dialog.py" line="19"/>
        <source>Ganti kata sandi</source>
        <translation>Change password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/password_dialog.py" line="22"/>
        <source>Kata sandi baru untuk akun {name}, minimal {min} karakter.</source>
        <translation>A new password for account {name}, at least {min} characters.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/password_dialog.py" line="35"/>
        <source>Kata sandi sekarang</source>
        <translation>Current password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/password_dialog.py" line="36"/>
        <source>Kata sandi baru</source>
        <translation>New password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/password_dialog.py" line="37"/>
        <source>Ulangi kata sandi baru</source>
        <translation>Repeat the new password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/password_dialog.py" line="39"/>
        <source>Simpan</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/password_dialog.py" line="40"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/password_dialog.py" line="61"/>
        <source>Ulangan kata sandi baru tidak sama.</source>
        <translation>The repeated new password does not match.</translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="95"/>
        <source>Catat pembayaran iuran</source>
        <translation>Record a premium payment</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="108"/>
        <source>{n} bulan</source>
        <translation>{n} months</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="108"/>
        <source>1 bulan</source>
        <translation>1 month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="109"/>
        <source>Semua peserta yang belum dibayar pada tagihan</source>
        <translation>Everyone unpaid on the bill</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="111"/>
        <source>Hanya {n} peserta yang dipilih di daftar</source>
        <translation>Only the {n} participants selected in the list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="126"/>
        <source>jumlah pada bukti bayar, mis. 84.000</source>
        <translation>amount on the payment slip, e.g. 84.000</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="129"/>
        <source>nomor bukti, virtual account, atau referensi bank</source>
        <translation>slip number, virtual account or bank reference</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="132"/>
        <source>Bulan pertama</source>
        <translation>First month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="133"/>
        <source>Lamanya</source>
        <translation>Length</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="134"/>
        <source>Peserta</source>
        <translation>Participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="136"/>
        <source>Tagihan</source>
        <translation>Bill</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="137"/>
        <source>Tanggal bayar</source>
        <translation>Date paid</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="138"/>
        <source>Jumlah dibayar (Rp)</source>
        <translation>Amount paid (Rp)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="139"/>
        <source>Referensi</source>
        <translation>Reference</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="140"/>
        <source>Catatan</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="142"/>
        <source>Simpan pembayaran</source>
        <translation>Save payment</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="144"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="171"/>
        <source>{total} untuk {people} peserta, {months} bulan</source>
        <translation>{total} for {people} participants, {months} months</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="175"/>
        <source> ({n} bulan-peserta sudah dibayar sebelumnya, tidak ditagih lagi)</source>
        <translation> ({n} participant-months paid before, not billed again)</translation>
    </message>
</context>
<context>
    <name>Pesan</name>
    <message>
        <location filename="../../kudus_desktop/gui/messages.py" line="67"/>
        <source>Terjadi kesalahan yang tidak terduga: {detail}. Rinciannya dicatat di log.</source>
        <translation>An unexpected error occurred: {detail}. The details were written to the log.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/messages.py" line="79"/>
        <source>Kudus Desktop</source>
        <translation>Kudus Desktop</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/messages.py" line="81"/>
        <location filename="../../kudus_desktop/gui/messages.py" line="98"/>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="29"/>
        <source>Data tidak sah.</source>
        <extracomment>Message templates by code; ``{name}`` placeholders are filled from the error&apos;s params.</extracomment>
        <translation>Invalid data.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="30"/>
        <source>Dibatalkan.</source>
        <translation>Cancelled.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="32"/>
        <source>Folder data {path} tidak dapat ditulisi. Periksa izin folder atau pilih folder lain.</source>
        <translation>The data folder {path} cannot be written. Check the folder permissions or choose another folder.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="35"/>
        <source>{path} bukan folder. Pilih folder data yang lain.</source>
        <translation>{path} is not a folder. Choose another data folder.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="36"/>
        <source>Berkas {path} bukan basis data (isinya rusak atau berkas lain). Berkas itu tidak diubah; pulihkan dari cadangan atau pindahkan berkas itu.</source>
        <translation>The file {path} is not a database (it is damaged or a different file). It was not changed; restore from a backup or move the file away.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="41"/>
        <source>Berkas {path} adalah basis data SQLite milik aplikasi lain, bukan Kudus Desktop. Berkas itu tidak diubah.</source>
        <translation>The file {path} is another application&apos;s SQLite database, not Kudus Desktop&apos;s. It was not changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="45"/>
        <source>Basis data {path} rusak ({detail}). Berkas itu tidak diubah; pulihkan dari cadangan.</source>
        <translation>The database {path} is damaged ({detail}). It was not changed; restore from a backup.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="48"/>
        <source>Basis data {path} dibuat oleh versi Kudus Desktop yang lebih baru (skema {found}, versi ini mengenal sampai skema {supported}). Perbarui aplikasi; berkas itu tidak diubah.</source>
        <translation>The database {path} was made by a newer version of Kudus Desktop (schema {found}; this version knows up to schema {supported}). Update the application; the file was not changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="53"/>
        <source>Basis data sedang dipakai proses lain. Tutup jendela Kudus Desktop yang lain lalu coba lagi.</source>
        <translation>The database is in use by another process. Close the other Kudus Desktop window and try again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="56"/>
        <source>Disk tempat {path} penuh: tinggal {free} kosong. Kosongkan sedikitnya {needed} (hapus atau pindahkan berkas yang tidak diperlukan, misalnya ke flashdisk), lalu coba lagi. Data Anda tidak rusak. Tidak ada data yang berubah.</source>
        <translation>The disk holding {path} is full: only {free} is free. Free at least {needed} (delete files you do not need, or move them to a USB stick), then try again. Your data is not damaged. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="62"/>
        <source>{purpose} tidak dapat dilakukan sekarang: data di {path} sedang dibuka oleh {holders}. Tutup itu dulu, lalu coba lagi. Tidak ada yang diubah.</source>
        <translation>{purpose} cannot be done now: the data in {path} is open in {holders}. Close that first, then try again. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="67"/>
        <source>Kudus Desktop sudah terbuka untuk data di {path}: {holder}. Pakai jendela itu; satu folder data hanya dibuka oleh satu jendela agar tidak ada simpanan yang saling menimpa.</source>
        <translation>Kudus Desktop is already open for the data in {path}: {holder}. Use that window; one data folder is opened by one window only, so that no saves overwrite each other.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="72"/>
        <source>Jam komputer menunjukkan {shown}; tanggal itu tidak mungkin benar (harus antara tahun {first} dan {last}). Perbaiki tanggal dan jam Windows (klik kanan jam di pojok kanan bawah, Sesuaikan tanggal/waktu), lalu coba lagi. Tidak ada yang disimpan.</source>
        <translation>The computer clock shows {shown}; that date cannot be right (it must be between {first} and {last}). Correct the Windows date and time (right-click the clock in the bottom right corner, Adjust date/time), then try again. Nothing was saved.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="78"/>
        <source>Gagal menyimpan ke basis data: {detail}. Tidak ada data yang berubah.</source>
        <translation>Saving to the database failed: {detail}. No data was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="81"/>
        <source>Pembaruan basis data dari skema {found} gagal ({detail}). Basis data dikembalikan seperti semula; salinan cadangan ada di {backup}.</source>
        <translation>Upgrading the database from schema {found} failed ({detail}). The database was left as it was; a backup copy is at {backup}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="86"/>
        <source>Cadangan tidak dapat dibuat di {path}: {detail}.</source>
        <translation>A backup could not be made in {path}: {detail}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="87"/>
        <source>Frasa sandi cadangan minimal {min} karakter.</source>
        <translation>The backup passphrase needs at least {min} characters.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="88"/>
        <source>Cadangan {path} tidak dapat dibuka: frasa sandinya salah atau berkasnya telah berubah.</source>
        <translation>The backup {path} cannot be opened: the passphrase is wrong or the file has been changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="91"/>
        <source>Cadangan {path} terenkripsi; masukkan frasa sandinya.</source>
        <translation>The backup {path} is encrypted; enter its passphrase.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="92"/>
        <source>Pemulihan dari {path} gagal ({detail}). Basis data yang lama tetap dipakai.</source>
        <translation>Restoring from {path} failed ({detail}). The previous database stays in use.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="96"/>
        <source>Folder data {path} sudah disiapkan untuk {name}. Tidak ada yang diubah.</source>
        <translation>The data folder {path} is already set up for {name}. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="99"/>
        <source>Folder data {path} belum disiapkan. Jalankan aplikasi atau &apos;kudus-desktop init&apos; terlebih dahulu.</source>
        <translation>The data folder {path} is not set up yet. Start the application or run &apos;kudus-desktop init&apos; first.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="102"/>
        <source>Kode wilayah {code} tidak ada dalam daftar wilayah Kabupaten Kudus.</source>
        <translation>Region code {code} is not in the region list of Kabupaten Kudus.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="103"/>
        <source>{code} ({name}) bukan desa. Mode desa hanya untuk 123 desa; kelurahan tidak memiliki APBDes.</source>
        <translation>{code} ({name}) is not a desa. Village mode is for the 123 desa only; kelurahan have no village budget.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="106"/>
        <source>{code} bukan kode kabupaten. Untuk Kabupaten Kudus gunakan 33.19.</source>
        <translation>{code} is not a regency code. For Kabupaten Kudus use 33.19.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="109"/>
        <source>Nama pengguna harus 3-32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.</source>
        <translation>The user name must be 3-32 characters: lower-case letters, digits, dots, underscores or hyphens.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="112"/>
        <source>Kata sandi minimal {min} karakter.</source>
        <translation>The password needs at least {min} characters.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="113"/>
        <source>Kedua kata sandi tidak sama.</source>
        <translation>The two passwords differ.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="114"/>
        <source>Berkas kata sandi {path} tidak dapat dibaca.</source>
        <translation>The password file {path} cannot be read.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="115"/>
        <source>Perintah &apos;{command}&apos; mengubah data atau menampilkan NIK lengkap, jadi harus dijalankan atas nama seseorang: tambahkan --user NAMA dan --password-file BERKAS (atau atur KUDUS_USER dan KUDUS_PASSWORD_FILE). Tidak ada yang diubah.</source>
        <translation>The command &apos;{command}&apos; changes data or shows full NIKs, so it must run in someone&apos;s name: add --user NAME and --password-file FILE (or set KUDUS_USER and KUDUS_PASSWORD_FILE). Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="121"/>
        <source>Kata sandi untuk {user} tidak diberikan: tambahkan --password-file BERKAS (atau atur KUDUS_PASSWORD_FILE atau KUDUS_PASSWORD). Tidak ada yang diubah.</source>
        <translation>No password was given for {user}: add --password-file FILE (or set KUDUS_PASSWORD_FILE or KUDUS_PASSWORD). Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="126"/>
        <source>Akun {user} ({role}) tidak boleh menjalankan &apos;{command}&apos;; yang boleh: {allowed}. Tidak ada yang diubah.</source>
        <translation>The account {user} ({role}) may not run &apos;{command}&apos;; allowed: {allowed}. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="130"/>
        <source>{field} wajib diisi.</source>
        <translation>{field} is required.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="132"/>
        <source>Nama pengguna atau kata sandi salah.</source>
        <translation>Wrong user name or password.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="133"/>
        <source>Kata sandi yang sekarang salah.</source>
        <translation>The current password is wrong.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="134"/>
        <source>Kata sandi baru sama dengan yang sekarang.</source>
        <translation>The new password is the same as the current one.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="135"/>
        <source>Akun ini dinonaktifkan. Hubungi admin.</source>
        <translation>This account is disabled. Contact the administrator.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="136"/>
        <source>Terlalu banyak kata sandi salah. Akun dikunci; coba lagi dalam {minutes} menit atau minta admin.</source>
        <translation>Too many wrong passwords. The account is locked; try again in {minutes} minutes or ask the administrator.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="139"/>
        <source>Hanya admin yang boleh melakukan ini.</source>
        <translation>Only an administrator may do this.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="140"/>
        <source>Akun tidak ditemukan.</source>
        <translation>Account not found.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="141"/>
        <source>Nama pengguna {username} sudah dipakai.</source>
        <translation>The user name {username} is already taken.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="142"/>
        <source>{name} adalah satu-satunya admin yang aktif dan tidak dapat dinonaktifkan.</source>
        <translation>{name} is the only active administrator and cannot be disabled.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="146"/>
        <source>Tidak ada peserta dengan NIK {nik}.</source>
        <translation>No participant has NIK {nik}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="147"/>
        <source>Kepesertaan {name} sudah berhenti; kartu hanya dicetak untuk peserta aktif.</source>
        <translation>{name}&apos;s participation has ended; cards are printed for active participants only.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="150"/>
        <source>Tidak ada kartu untuk dicetak: tidak ada peserta aktif yang dipilih.</source>
        <translation>No cards to print: no active participant was chosen.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="151"/>
        <source>{count} kartu sudah pernah dicetak. Tuliskan alasan cetak ulang (misalnya: kartu hilang).</source>
        <translation>{count} cards have been printed before. Enter the reason for reprinting (for example: card lost).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="154"/>
        <source>Kode QR ini bukan kode kartu Kudus Desktop atau isinya rusak.</source>
        <translation>This QR code is not a Kudus Desktop card code, or its content is damaged.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="155"/>
        <source>Tanda tangan kode QR kartu {reg_no} tidak cocok dengan kunci publik desa ini: kartu palsu, diubah, atau dari desa lain.</source>
        <translation>The signature in the QR code of card {reg_no} does not match this village&apos;s public key: the card is forged, altered, or from another village.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="160"/>
        <source>Berkas kunci publik tidak dapat dibaca: harus kunci Ed25519 dalam format PEM dari Kudus Desktop.</source>
        <translation>The public key file cannot be read: it must be an Ed25519 key in PEM format from Kudus Desktop.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="163"/>
        <source>Berkas PDF {path} tidak dapat ditulis. Periksa foldernya atau tutup berkas itu di program lain.</source>
        <translation>The PDF file {path} cannot be written. Check the folder, or close the file in the other program.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="166"/>
        <source>Pencetak {printer} menolak pekerjaan cetak. Periksa pencetaknya.</source>
        <translation>Printer {printer} refused the print job. Check the printer.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="168"/>
        <source>Perintah ini hanya untuk instalasi mode {mode}.</source>
        <translation>This command is only for installations in {mode} mode.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="169"/>
        <source>Desa ini belum terhubung dengan kabupaten. Impor berkas setup dari DPMD lebih dahulu (Sinkronisasi &gt; Gabung, atau &apos;kudus-desktop sync join BERKAS&apos;).</source>
        <translation>This village has not joined the regency yet. Import the setup file from DPMD first (Sync &gt; Join, or &apos;kudus-desktop sync join FILE&apos;).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="174"/>
        <source>Tidak ada perubahan sejak paket {seq}; tidak ada paket baru yang dibuat.</source>
        <translation>Nothing has changed since package {seq}; no new package was written.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="177"/>
        <source>Belum ada perubahan yang siap dikirim: {count} peserta menunggu persetujuan verifikator (halaman Persetujuan). Tidak ada paket baru yang dibuat.</source>
        <translation>No change is ready to send yet: {count} participants await the verifier&apos;s approval (Approval page). No new package was made.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="182"/>
        <source>Berkas {name} tidak dapat dibaca: {detail}.</source>
        <translation>File {name} cannot be read: {detail}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="183"/>
        <source>Berkas {path} tidak dapat ditulis: {detail}. Periksa flashdisk atau foldernya lalu coba lagi.</source>
        <translation>File {path} cannot be written: {detail}. Check the USB stick or folder and try again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="186"/>
        <source>Berkas yang ditulis ke {path} tidak terbaca kembali dengan benar (flashdisk dicabut atau rusak?). Berkas itu dihapus; coba lagi.</source>
        <translation>The file written to {path} did not read back correctly (USB stick pulled out or faulty?). It was deleted; try again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="191"/>
        <source>Berkas {name} lebih besar dari {limit} MB; itu bukan paket sinkronisasi. Tidak ada yang diubah.</source>
        <translation>File {name} is larger than {limit} MB; it is not a sync package. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="194"/>
        <source>Berkas {name} bukan paket atau tanda terima Kudus Desktop. Tidak ada yang diubah.</source>
        <translation>File {name} is not a Kudus Desktop package or receipt. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="197"/>
        <source>Berkas {name} adalah {found}, bukan {expected}. Tidak ada yang diubah.</source>
        <translation>File {name} is {found}, not {expected}. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="200"/>
        <source>Berkas {name} terpotong: hanya {have} dari {need} byte (penyalinan terputus atau flashdisk dicabut). Salin ulang dari komputer asal. Tidak ada yang diubah.</source>
        <translation>File {name} is cut short: only {have} of {need} bytes (an interrupted copy or a pulled USB stick). Copy it again from the computer that made it. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="205"/>
        <source>Berkas {name} berisi {extra} byte tambahan di belakangnya: berkas telah diubah. Tidak ada yang diubah.</source>
        <translation>File {name} has {extra} extra bytes at its end: it has been altered. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="209"/>
        <source>Berkas {name} memakai format {found}, sedangkan versi ini hanya mengenal sampai format {supported}. Perbarui Kudus Desktop. Tidak ada yang diubah.</source>
        <translation>File {name} uses format {found}; this version knows formats up to {supported}. Update Kudus Desktop. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="214"/>
        <source>Berkas {name} memakai format {found} yang tidak didukung lagi (paling lama format {oldest}). Minta pengirim membuat berkas baru dengan versi aplikasi sekarang. Tidak ada yang diubah.</source>
        <translation>File {name} uses format {found}, which is no longer supported (oldest: format {oldest}). Ask the sender to write a new file with the current version. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="219"/>
        <source>Kepala berkas {name} rusak (bagian {detail}). Tidak ada yang diubah.</source>
        <translation>The header of file {name} is damaged (part {detail}). Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="222"/>
        <source>Tanda tangan berkas {name} tidak cocok: isinya diubah atau rusak setelah ditulis, atau dibuat perangkat lain. Berkas ditolak; tidak ada yang diubah.</source>
        <translation>The signature of file {name} does not match: its content was altered or damaged after it was written, or another device made it. The file was refused; nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="227"/>
        <source>Berkas {name} dienkripsi untuk kunci lain, bukan kunci instalasi ini (berkas setup lama atau salah alamat). Tidak ada yang diubah.</source>
        <translation>File {name} is encrypted for another key, not this installation&apos;s (an old setup file or the wrong addressee). Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="232"/>
        <source>Isi berkas {name} tidak dapat dibuka: kuncinya tidak cocok atau isinya rusak. Tidak ada yang diubah.</source>
        <translation>The content of file {name} cannot be opened: the key does not match or the content is damaged. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="235"/>
        <source>Isi berkas {name} tidak sesuai format ({detail}). Tidak ada yang diubah.</source>
        <translation>The content of file {name} does not follow the format ({detail}). Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="238"/>
        <source>Paket {name} ditujukan ke kabupaten {code}, bukan kabupaten ini. Tidak ada yang diubah.</source>
        <translation>Package {name} is addressed to regency {code}, not this one. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="241"/>
        <source>Paket {name} dibuat perangkat desa {desa} yang belum terdaftar (sidik jari {fingerprint}). Cocokkan sidik jari itu dengan yang dibacakan operator desa dari halaman Sinkronisasinya, lalu daftarkan perangkatnya. Tidak ada yang diubah.</source>
        <translation>Package {name} was made by an unregistered device of village {desa} (fingerprint {fingerprint}). Compare it with the fingerprint the village operator reads from their Sync page, then register the device. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="247"/>
        <source>Sidik jari yang dimasukkan ({typed}) tidak sama dengan sidik jari perangkat pada paket {name} ({fingerprint}). Perangkat tidak didaftarkan; tidak ada yang diubah.</source>
        <translation>The fingerprint entered ({typed}) differs from the device fingerprint on package {name} ({fingerprint}). The device was not registered; nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="252"/>
        <source>Paket {name} mengaku dari desa {desa}, tetapi perangkatnya terdaftar untuk desa {registered}. Tidak ada yang diubah.</source>
        <translation>Package {name} claims to come from village {desa}, but its device is registered to village {registered}. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="257"/>
        <source>Paket {name}: nomor urut {seq} dari perangkat ini sudah diterima dengan isi yang berbeda (desa memulihkan cadangan lama?). Paket ditolak; tanda terima berikutnya memberi tahu desa, yang lalu mengirim semua datanya dalam paket bernomor di atas {last}.</source>
        <translation>Package {name}: number {seq} from this device was already received with different contents (did the village restore an old backup?). The package is refused; the next receipt tells the village, which then sends all its data in a package numbered above {last}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="263"/>
        <source>Paket {name} bertentangan dengan data yang sudah ada ({detail}). Tidak ada yang diubah.</source>
        <translation>Package {name} conflicts with data already held ({detail}). Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="266"/>
        <source>Tanda terima {name} tidak ditandatangani kabupaten tempat desa ini terdaftar. Tidak ada yang diubah.</source>
        <translation>Receipt {name} is not signed by the regency this village has joined. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="270"/>
        <source>Tanda terima {name} untuk desa {desa}, bukan desa ini. Tidak ada yang diubah.</source>
        <translation>Receipt {name} is for village {desa}, not this one. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="273"/>
        <source>Tanda terima {name} (nomor {seq}) lebih lama dari tanda terima yang sudah diterapkan (nomor {applied}). Tidak ada yang diubah.</source>
        <translation>Receipt {name} (number {seq}) is older than the receipt already applied (number {applied}). Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="278"/>
        <source>Berkas {name} bukan berkas setup Kudus Desktop, atau isinya rusak atau diubah.</source>
        <translation>File {name} is not a Kudus Desktop setup file, or it is damaged or altered.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="281"/>
        <source>Berkas setup {name} memakai format {found} yang tidak dikenal versi ini. Perbarui Kudus Desktop.</source>
        <translation>Setup file {name} uses format {found}, unknown to this version. Update Kudus Desktop.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="284"/>
        <source>Berkas setup {name} dibuat untuk desa {desa_name} ({code}), bukan untuk desa ini, {own}.</source>
        <translation>Setup file {name} was made for village {desa_name} ({code}), not for this village, {own}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="287"/>
        <source>{code} bukan kode desa di kabupaten ini.</source>
        <translation>{code} is not a village code of this regency.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="288"/>
        <source>Isi berkas {name} melebihi batas yang dapat dibuka ({limit} MB setelah diurai): bukan paket yang wajar. Berkas ditolak; tidak ada yang diubah.</source>
        <translation>The contents of {name} exceed what may be opened ({limit} MB once decompressed): this is not a reasonable package. The file is refused; nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="293"/>
        <source>Berkas {name} tidak dapat diproses karena kesalahan tak terduga ({detail}). Berkas itu dilewati; tidak ada yang diubah olehnya. Laporkan kepada pengelola aplikasi.</source>
        <translation>File {name} could not be processed because of an unexpected error ({detail}). The file was skipped; it changed nothing. Please report this to the application maintainers.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="298"/>
        <source>Paket {name} dibuat perangkat yang sudah dicabut kabupaten ({when}). Berkas ditolak; tidak ada yang diubah. Desa perlu membuat kunci perangkat baru dan membacakan sidik jarinya kepada kabupaten.</source>
        <translation>Package {name} was made by a device the regency has revoked ({when}). The file is refused; nothing was changed. The village must make new device keys and read their fingerprint out to the regency.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="303"/>
        <source>Paket {name} bernomor {seq} dari perangkat lama desa, padahal desa sudah berganti kunci sejak paket {retired_seq}. Berkas ditolak; tidak ada yang diubah.</source>
        <translation>Package {name} is number {seq} from the village&apos;s old device, but the village renewed its keys as of package {retired_seq}. The file is refused; nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="308"/>
        <source>Perangkat {device} tidak terdaftar di kabupaten ini.</source>
        <translation>Device {device} is not registered with this regency.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="309"/>
        <source>Tulis alasan pencabutan perangkat (misalnya: laptop hilang, dicuri, diganti).</source>
        <translation>Give a reason for revoking the device (for example: laptop lost, stolen, replaced).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="312"/>
        <source>Tanda terima {name} bernomor {seq}, nomor yang sudah diterapkan dari tanda terima lain yang isinya berbeda. Tanda terima ini ditolak; tidak ada yang diubah. Minta tanda terima terbaru dari kabupaten.</source>
        <translation>Receipt {name} is number {seq}, a number already applied from another receipt with different contents. This receipt is refused; nothing was changed. Ask the regency for its latest receipt.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="317"/>
        <source>Tanda terima {name} menjawab paket perangkat lain ({device}), bukan perangkat ini. Tidak ada yang diubah.</source>
        <translation>Receipt {name} answers the packages of another device ({device}), not this one. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="321"/>
        <source>Nomor paket {seq} melebihi batas format. Hubungi DPMD; tidak ada paket yang dibuat.</source>
        <translation>Package number {seq} exceeds what the format allows. Contact DPMD; no package was made.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="324"/>
        <source>Kunci instalasi kabupaten tidak dapat dibuka: berkas kunci {path} hilang atau milik instalasi lain (basis data dipulihkan dari salinan biasa di komputer lain?). Pulihkan dari cadangan terenkripsi (.kbak), yang membawa kuncinya, atau kembalikan berkas kunci itu.</source>
        <translation>The regency installation&apos;s keys cannot be opened: the key file {path} is missing or belongs to another installation (was the database restored from a plain copy on another computer?). Restore from an encrypted backup (.kbak), which carries the keys, or put that key file back.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="330"/>
        <source>Berkas kunci {path} tidak dapat dibaca atau ditulis: {detail}.</source>
        <translation>Key file {path} cannot be read or written: {detail}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="332"/>
        <source>{field}: isinya harus {want}.</source>
        <translation>{field}: the value must be {want}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="333"/>
        <source>{field} berisi karakter kendali atau pembalik arah teks yang tidak boleh ada dalam data.</source>
        <translation>{field} contains control or text-direction characters, which data may not hold.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="336"/>
        <source>{field} diawali, diakhiri atau berisi spasi ganda.</source>
        <translation>{field} starts or ends with a space, or holds a double space.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="337"/>
        <source>{field} di luar batas yang sah ({low} sampai {high}).</source>
        <translation>{field} is outside the valid range ({low} to {high}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="338"/>
        <source>{field}: &apos;{text}&apos; bukan waktu yang sah (TTTT-BB-HH jj:mm:dd).</source>
        <translation>{field}: &apos;{text}&apos; is not a valid time (YYYY-MM-DD hh:mm:ss).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="339"/>
        <source>Pengenal data (uid) tidak sah.</source>
        <translation>The record id (uid) is not valid.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="340"/>
        <source>Data ini milik desa {desa}, bukan desa pengirim paket ({own}).</source>
        <translation>This record belongs to village {desa}, not to the village that sent the package ({own}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="341"/>
        <source>Nomor registrasi &apos;{value}&apos; tidak sah: harus diawali kode desa {desa} lalu tanda hubung dan nomor urut.</source>
        <translation>Registration number &apos;{value}&apos; is not valid: it must start with the village code {desa}, then a hyphen and a serial number.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="345"/>
        <source>Data yang sama muncul dua kali dalam paket; yang kedua ditolak.</source>
        <translation>The same record appears twice in the package; the second is rejected.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="346"/>
        <source>NIK ini dipakai dua peserta dalam satu paket; yang kedua ditolak.</source>
        <translation>Two participants in one package have this NIK; the second is rejected.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="349"/>
        <source>Nomor registrasi {value} dipakai dua peserta dalam satu paket; yang kedua ditolak.</source>
        <translation>Two participants in one package have registration number {value}; the second is rejected.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="352"/>
        <source>Riwayat perubahan tidak sesuai format.</source>
        <translation>The change history does not follow the format.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="353"/>
        <source>Rentang bulan pembayaran tidak sah.</source>
        <translation>The payment&apos;s range of months is not valid.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="354"/>
        <source>Bulan iuran tanpa pembayaran yang sah.</source>
        <translation>A premium month without a valid payment.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="355"/>
        <source>Nomor KPJ harus berupa angka (paling banyak {max} digit).</source>
        <translation>A KPJ number must be digits (at most {max}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="356"/>
        <source>Pengenal data ini sudah dipakai desa lain di kabupaten; data ditolak.</source>
        <translation>Another village in the regency already uses this record id; the record is rejected.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="359"/>
        <source>NIK ini sudah terdaftar di desa ini untuk peserta lain, {name} ({reg_no}).</source>
        <translation>This NIK is already registered in this village for another participant, {name} ({reg_no}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="362"/>
        <source>Nomor registrasi {reg_no} sudah dipakai peserta lain desa ini di kabupaten ({name}); aplikasi desa memberi nomor baru dan mengirimnya lagi.</source>
        <translation>Registration number {reg_no} is already used at the regency by another participant of this village ({name}); the village application gives a new number and sends it again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="368"/>
        <source>Alamat basis data {url} tidak didukung. Gunakan postgresql+psycopg://pengguna:sandi@host/nama.</source>
        <translation>Database address {url} is not supported. Use postgresql+psycopg://user:password@host/name.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="371"/>
        <source>Alamat basis data {url} tidak sah: {detail}.</source>
        <translation>Database address {url} is not valid: {detail}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="372"/>
        <source>Basis data {url} tidak dapat dihubungi: {detail}. Periksa server, nama pengguna dan sandinya.</source>
        <translation>Database {url} cannot be reached: {detail}. Check the server, the user name and the password.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="375"/>
        <source>Basis data {url} berskema {found}, versi ini memerlukan skema {supported}. Salin ulang data dengan &apos;kudus-desktop store copy&apos; ke basis data kosong; basis data itu tidak diubah.</source>
        <translation>Database {url} has schema {found}; this version needs schema {supported}. Copy the data again with &apos;kudus-desktop store copy&apos; into an empty database; that database was not changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="380"/>
        <source>Basis data tujuan {url} sudah berisi data ({count} peserta). Salinan hanya ke basis data kosong.</source>
        <translation>Target database {url} already holds data ({count} participants). Copies go into an empty database only.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="383"/>
        <source>Basis data {url} ada di server PostgreSQL; cadangkan dengan pg_dump di server itu.</source>
        <translation>Database {url} is on a PostgreSQL server; back it up with pg_dump on that server.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="386"/>
        <source>Sumber dan tujuan salinan adalah basis data yang sama.</source>
        <translation>The source and the target of the copy are the same database.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="388"/>
        <source>Permintaan tanpa tanda tangan perangkat desa. Server sinkronisasi hanya melayani aplikasi desa.</source>
        <translation>Request without a village device signature. The sync server only serves the village application.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="391"/>
        <source>Tanda tangan permintaan tidak cocok dengan kunci perangkat yang terdaftar di kabupaten.</source>
        <translation>The request signature does not match the device key registered at the regency.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="394"/>
        <source>Perangkat {device} belum terdaftar di kabupaten. Kirim paket pertama agar kabupaten dapat mengonfirmasi sidik jarinya.</source>
        <translation>Device {device} is not registered at the regency. Send a first package so the regency can confirm its fingerprint.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="399"/>
        <source>Paket sudah diterima server; kabupaten belum mengonfirmasi sidik jari perangkat ini ({fingerprint}).</source>
        <translation>The server has the package; the regency has not yet confirmed this device&apos;s fingerprint ({fingerprint}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="402"/>
        <source>Paket ini tidak dibuat oleh perangkat yang mengirimnya.</source>
        <translation>This package was not made by the device that sent it.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="403"/>
        <source>Desa ini sudah mengirim dari perangkat yang lebih baru; tanda terima hanya untuk perangkat itu.</source>
        <translation>This village has sent from a newer device; receipts are for that device only.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="406"/>
        <source>Kiriman lebih besar dari batas server ({limit} MB).</source>
        <translation>The upload is larger than the server&apos;s limit ({limit} MB).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="407"/>
        <source>Server sedang menerima banyak kiriman. Paket menunggu dan dikirim lagi dalam {seconds} detik.</source>
        <translation>The server is receiving many uploads. The package waits and is sent again in {seconds} seconds.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="410"/>
        <source>Permintaan ke server tidak lengkap atau tidak sah.</source>
        <translation>The request to the server is incomplete or invalid.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="411"/>
        <source>Perangkat {device} sudah dicabut kabupaten; tidak ada lagi yang diterima darinya. Buat kunci perangkat baru (Sinkronisasi &gt; Ganti kunci) dan bacakan sidik jarinya kepada kabupaten.</source>
        <translation>Device {device} has been revoked by the regency; nothing more is accepted from it. Make new device keys (Sync &gt; Renew keys) and read their fingerprint out to the regency.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="416"/>
        <source>Perangkat {device} sudah terdaftar; paketnya diimpor langsung.</source>
        <translation>Device {device} is already registered; its packages are imported directly.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="417"/>
        <source>Jawaban server {server} lebih besar dari {limit} MB; itu bukan tanda terima. Tidak ada yang diubah.</source>
        <translation>The answer from server {server} is larger than {limit} MB; it is not a receipt. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="420"/>
        <source>Terlalu banyak permintaan dari desa ini. Coba lagi dalam {seconds} detik.</source>
        <translation>Too many requests from this village. Try again in {seconds} seconds.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="423"/>
        <source>Server sinkronisasi mengalami kesalahan. Tidak ada data yang berubah; coba lagi nanti.</source>
        <translation>The sync server ran into an error. No data was changed; try again later.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="426"/>
        <source>Alamat {path} tidak dikenal oleh server sinkronisasi.</source>
        <translation>The sync server does not know the address {path}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="427"/>
        <source>Tidak ada paket yang menunggu dari perangkat {device}.</source>
        <translation>No packages are waiting from device {device}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="428"/>
        <source>Alamat server sinkronisasi belum ada. Paket tetap dapat dikirim dengan flashdisk.</source>
        <translation>There is no sync server address yet. Packages can still be sent on a USB stick.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="431"/>
        <source>Alamat server sinkronisasi {server} tidak sah; harus diawali http:// atau https://.</source>
        <translation>Sync server address {server} is not valid; it must start with http:// or https://.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="434"/>
        <source>Server {server} tidak dapat dihubungi ({detail}). Paket menunggu dan dikirim lagi nanti.</source>
        <translation>Server {server} cannot be reached ({detail}). Packages wait and are sent again later.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="437"/>
        <source>Server kabupaten menolak (HTTP {status}): {reason}</source>
        <translation>The regency server refused (HTTP {status}): {reason}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="438"/>
        <source>{server} bukan server sinkronisasi Kudus Desktop.</source>
        <translation>{server} is not a Kudus Desktop sync server.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="439"/>
        <source>Server {server} melayani kabupaten {found}, bukan {expected}. Periksa alamat server.</source>
        <translation>Server {server} serves regency {found}, not {expected}. Check the server address.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="443"/>
        <source>Nomor versi “{version}” tidak sah: tulis tiga angka seperti 1.2.0.</source>
        <translation>Version number “{version}” is not valid: write three numbers such as 1.2.0.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="446"/>
        <source>Sistem “{platform}” tidak dikenal untuk pembaruan. Pilih salah satu: {known}.</source>
        <translation>System “{platform}” is not known for updates. Choose one of: {known}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="449"/>
        <source>Catatan pembaruan terlalu panjang (paling banyak {limit} huruf).</source>
        <translation>The update notes are too long (at most {limit} characters).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="452"/>
        <source>Skema terendah {found} tidak sah: versi ini mengenal skema 1 sampai {supported}.</source>
        <translation>Lowest schema {found} is not valid: this version knows schemas 1 to {supported}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="455"/>
        <source>Berkas {name} tidak dapat dibaca: {reason}.</source>
        <translation>File {name} cannot be read: {reason}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="456"/>
        <source>Pembaruan tidak dapat disalin ke {folder}: {reason}. Periksa flashdisk-nya lalu coba lagi.</source>
        <translation>The update could not be copied to {folder}: {reason}. Check the stick and try again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="459"/>
        <source>Berkas {name} lebih besar dari pembaruan mana pun (paling besar {limit} MB). Berkas ditolak.</source>
        <translation>File {name} is larger than any update (at most {limit} MB). The file is refused.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="462"/>
        <source>{name} bukan berkas pembaruan Kudus Desktop (.kdu).</source>
        <translation>{name} is not a Kudus Desktop update file (.kdu).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="463"/>
        <source>Berkas pembaruan {name} rusak atau tidak lengkap ({detail}). Minta berkas baru dari DPMD.</source>
        <translation>Update file {name} is damaged or incomplete ({detail}). Ask DPMD for a new file.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="466"/>
        <source>Berkas pembaruan {name} tidak ditandatangani oleh kabupaten yang dipercaya desa ini. Berkas tidak dipasang; laporkan ke DPMD.</source>
        <translation>Update file {name} is not signed by the regency this village trusts. It is not installed; report it to DPMD.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="471"/>
        <source>Pembaruan {name} diterbitkan untuk kabupaten {found}, bukan {expected}. Berkas tidak dipasang.</source>
        <translation>Update {name} was published for regency {found}, not {expected}. It is not installed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="474"/>
        <source>Pembaruan {name} untuk komputer {found}, sedangkan komputer ini {expected}. Berkas tidak dipasang.</source>
        <translation>Update {name} is for {found} computers; this one is {expected}. It is not installed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="477"/>
        <source>Pembaruan {name} berisi versi {found}, tidak lebih baru dari versi {running} yang terpasang.</source>
        <translation>Update {name} holds version {found}, not newer than the installed version {running}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="480"/>
        <source>Versi {version} tidak dapat membuka basis data skema {found}. Pasang dulu pembaruan yang lebih awal dari DPMD.</source>
        <translation>Version {version} cannot open a schema {found} database. First install the earlier update from DPMD.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="485"/>
        <source>Isi pembaruan {name} tidak sama dengan yang ditandatangani kabupaten ({detail}). Berkas ditolak.</source>
        <translation>The contents of update {name} differ from what the regency signed ({detail}). The file is refused.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="488"/>
        <source>Pembaruan hanya dapat dipasang pada Kudus Desktop yang terpasang, bukan yang dijalankan dari kode.</source>
        <translation>Updates install only into an installed Kudus Desktop, not one run from source.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="491"/>
        <source>Tidak ada pembaruan yang menunggu untuk dipasang.</source>
        <translation>No update is waiting to be installed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="492"/>
        <source>Versi {version} gagal uji mandiri sebelum dipasang ({detail}). Versi yang terpasang tetap dipakai; laporkan ke DPMD.</source>
        <translation>Version {version} failed its selftest before being installed ({detail}). The installed version stays in use; report this to DPMD.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="501"/>
        <source>Jumlah bulan {months} tidak sah (1 sampai 24).</source>
        <translation>Number of months {months} is not valid (1 to 24).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="502"/>
        <source>Tidak ada tarif iuran yang berlaku untuk {month} (sumber dana {funding}). Tambahkan baris tarif.</source>
        <translation>No premium rate applies to {month} (funding {funding}). Add a rate row.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="505"/>
        <source>Baris tarif {id} tidak ada.</source>
        <translation>Rate row {id} does not exist.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="506"/>
        <source>Tarif berakhir ({valid_to}) sebelum mulai berlaku ({valid_from}).</source>
        <translation>The rate ends ({valid_to}) before it starts ({valid_from}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="507"/>
        <source>Tarif tidak sah: penghasilan dilaporkan minimal {min_income}, JKK lebih dari 0% dan paling banyak 10%, JKM tidak negatif.</source>
        <translation>Invalid rate: reported income at least {min_income}, JKK above 0% and at most 10%, JKM not negative.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="512"/>
        <source>Diskon harus lebih dari 0% dan paling banyak 100%.</source>
        <translation>The discount must be above 0% and at most 100%.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="513"/>
        <source>Kepesertaan {name} gugur pada {month} karena lebih dari 3 bulan iuran tidak dibayar. Daftarkan ulang orang itu; pembayaran ini tidak dicatat.</source>
        <translation>{name}&apos;s membership lapsed in {month} because more than 3 months were unpaid. Register the person again; this payment was not recorded.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="518"/>
        <source>{name} belum atau tidak lagi terdaftar sebagai peserta ({standing}); {count} orang yang dipilih tidak ditagih. Hanya peserta yang disetujui dan tidak ditolak yang dibayar. Pembayaran tidak dicatat.</source>
        <translation>{name} is not (or no longer) an enrolled participant ({standing}); {count} of the chosen people are not billed. Only participants who were approved and not rejected are paid for. The payment was not recorded.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="523"/>
        <source>{count} orang yang dipilih tidak ada dalam tagihan {period} (bukan peserta pada bulan itu atau dibiayai APBD): {names}. Pembayaran tidak dicatat.</source>
        <translation>{count} selected people are not on the bill for {period} (not participants in that month, or funded by the regency): {names}. The payment was not recorded.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="528"/>
        <source>Jumlah pembayaran harus lebih dari nol.</source>
        <translation>The payment amount must be more than zero.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="529"/>
        <source>Tanggal bayar {date} belum terjadi.</source>
        <translation>Payment date {date} has not happened yet.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="530"/>
        <source>Tidak ada iuran yang belum dibayar untuk {period} pada pilihan ini.</source>
        <translation>Nothing is unpaid for {period} in this selection.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="533"/>
        <source>Jumlah {amount} tidak sama dengan tagihan {expected} untuk {people} peserta, {period}. Periksa jumlahnya, atau pilih peserta dan bulan yang sesuai dengan pembayaran itu.</source>
        <translation>The amount {amount} does not match the bill of {expected} for {people} participants, {period}. Check the amount, or choose the participants and months that payment was for.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="538"/>
        <source>Tuliskan alasan pembatalan pembayaran.</source>
        <translation>Write the reason for voiding the payment.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="539"/>
        <source>Pembayaran {id} tidak ada.</source>
        <translation>Payment {id} does not exist.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="540"/>
        <source>Pembayaran itu sudah dibatalkan pada {date}.</source>
        <translation>That payment was already voided on {date}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="541"/>
        <source>Anggaran tidak sah: jumlah harus lebih dari nol, tambahan peserta tidak negatif, tahun 2000-2100.</source>
        <translation>Invalid budget: the amount must be above zero, additions not negative, year 2000-2100.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="545"/>
        <source>Masa simpan harus 0 sampai 100 tahun (0: tidak pernah dihapus).</source>
        <translation>The retention period must be 0 to 100 years (0: never removed).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="546"/>
        <source>Masa simpan data belum diatur (0 tahun): tidak ada yang dihapus. Atur dulu dengan &apos;kudus-desktop purge --set-years N&apos;.</source>
        <translation>No retention period is set (0 years): nothing was removed. Set it first with &apos;kudus-desktop purge --set-years N&apos;.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="551"/>
        <source>Jumlah yang akan dihapus berubah dari {expected} menjadi {found} orang. Periksa lagi lalu ulangi; tidak ada yang dihapus.</source>
        <translation>The number to remove changed from {expected} to {found} people. Check again and repeat; nothing was removed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="556"/>
        <source>Jam komputer berubah sejak pertanyaan tadi: batas hapusnya kini {now}, bukan {seen}. Periksa tanggal dan jam Windows lalu ulangi; tidak ada yang dihapus.</source>
        <translation>The computer clock changed since the question: the cut-off is now {now}, not {seen}. Check the Windows date and time and try again; nothing was removed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="562"/>
        <source>Laporan perangkat hilang memuat NIK lengkap: hanya admin dan verifikator yang boleh membuatnya.</source>
        <translation>The lost-device report lists full NIKs: only admins and verifiers may make it.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="565"/>
        <source>Sebutkan nomor paket yang ada di flashdisk yang hilang.</source>
        <translation>Name the numbers of the packages that were on the lost stick.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="566"/>
        <source>Perangkat ini tidak pernah membuat paket {seqs}.</source>
        <translation>This device never made package {seqs}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="568"/>
        <source>Verifikator memeriksa data, tidak mengubahnya: hanya admin dan operator yang boleh mendaftarkan atau mengubah peserta.</source>
        <translation>A verifier checks data and does not change it: only admins and operators may enrol or change participants.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="573"/>
        <source>Hanya verifikator atau admin yang boleh menyetujui atau mengembalikan data peserta.</source>
        <translation>Only a verifier or an admin may approve or send back participant data.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="576"/>
        <source>{count} peserta yang dipilih Anda ubah sendiri; perubahan harus diperiksa orang lain. Tidak ada yang dikembalikan.</source>
        <translation>You changed {count} of the selected participants yourself; someone else must check them. Nothing was sent back.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="581"/>
        <source>Persetujuan verifikator hanya berlaku di kantor desa.</source>
        <translation>Verifier approval applies only in a village office.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="582"/>
        <source>Data {name} belum disetujui verifikator; kartunya dicetak setelah disetujui.</source>
        <translation>The data of {name} is not yet approved by the verifier; the card is printed after approval.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="585"/>
        <source>Pendaftaran {name} ditolak ({reason}); tidak ada kartu untuk peserta yang ditolak.</source>
        <translation>{name}&apos;s enrolment was rejected ({reason}); rejected participants get no card.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="589"/>
        <source>Peserta tidak ditemukan (mungkin sudah diubah di tempat lain).</source>
        <translation>Participant not found (it may have been changed elsewhere).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="592"/>
        <source>Kepesertaan {name} sudah berhenti.</source>
        <translation>The participation of {name} has already ended.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="593"/>
        <source>Kepesertaan {name} masih aktif.</source>
        <translation>The participation of {name} is still active.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="594"/>
        <source>NIK wajib diisi.</source>
        <translation>NIK is required.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="595"/>
        <source>NIK hanya boleh berisi angka 0-9.</source>
        <translation>The NIK may contain only the digits 0-9.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="596"/>
        <source>NIK harus 16 digit, yang diisi {length} digit.</source>
        <translation>The NIK must have 16 digits; {length} were entered.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="597"/>
        <source>NIK diawali kode provinsi {code} yang tidak ada.</source>
        <translation>The NIK starts with province code {code}, which does not exist.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="598"/>
        <source>Digit ke-7 s.d. 12 NIK ({digits}) bukan tanggal lahir yang sah (hari 01-31, atau 41-71 untuk perempuan).</source>
        <translation>Digits 7 to 12 of the NIK ({digits}) are not a valid birth date (day 01-31, or 41-71 for women).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="602"/>
        <source>Empat digit terakhir NIK tidak boleh 0000.</source>
        <translation>The last four digits of the NIK cannot be 0000.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="603"/>
        <source>NIK ini sudah terdaftar atas nama {name} ({reg_no}).</source>
        <translation>This NIK is already enrolled for {name} ({reg_no}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="604"/>
        <source>Menurut NIK jenis kelaminnya {nik_sex}, tetapi yang dipilih {typed_sex}.</source>
        <translation>The NIK says the sex is {nik_sex}, but {typed_sex} was chosen.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="607"/>
        <source>Tanggal lahir dalam NIK ({nik_date}) berbeda dengan tanggal lahir yang diisi ({typed_date}).</source>
        <translation>The birth date in the NIK ({nik_date}) differs from the date of birth entered ({typed_date}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="610"/>
        <source>NIK diterbitkan di luar Kabupaten Kudus (kode wilayah {code}). Pastikan orangnya memang warga desa ini.</source>
        <translation>The NIK was issued outside Kabupaten Kudus (region code {code}). Make sure the person lives in this village.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="614"/>
        <source>Kode kecamatan {code} dalam NIK tidak dikenal di Kabupaten Kudus.</source>
        <translation>District code {code} in the NIK is not known in Kabupaten Kudus.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="617"/>
        <source>Nomor KK hanya boleh berisi angka 0-9.</source>
        <translation>The KK number may contain only the digits 0-9.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="618"/>
        <source>Nomor KK harus 16 digit, yang diisi {length} digit.</source>
        <translation>The KK number must have 16 digits; {length} were entered.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="619"/>
        <source>umur {age} tahun, batas {limit} tahun</source>
        <translation>age {age}, limit {limit}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="620"/>
        <source>masa jabatan berakhir {date}</source>
        <translation>term of office ended {date}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="621"/>
        <source>tidak ada lagi di daftar {source} ({file}, diimpor {date})</source>
        <translation>no longer on the {source} list ({file}, imported {date})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="622"/>
        <source>Mungkin orang yang sama dengan {name} di baris {row} berkas ini (NIK berakhiran {nik4}): lahir pada hari yang sama dengan nama atau No. KK yang mirip. Periksa KTP/KK agar tidak terdaftar dua kali.</source>
        <translation>Possibly the same person as {name} on row {row} of this file (NIK ending {nik4}): born on the same day with a similar name or KK number. Check the ID card/KK so nobody is enrolled twice.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="627"/>
        <source>Mungkin orang yang sama dengan {name} ({reg_no}, NIK berakhiran {nik4}): lahir pada hari yang sama dengan nama atau No. KK yang mirip. Periksa KTP/KK agar tidak terdaftar dua kali dengan NIK berbeda.</source>
        <translation>Possibly the same person as {name} ({reg_no}, NIK ending {nik4}): born on the same day with a similar name or KK number. Check the ID card/KK so nobody is enrolled twice under different NIKs.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="632"/>
        <source>Akhir masa jabatan tidak boleh sebelum tanggal mulai kepesertaan.</source>
        <translation>The end of the term of office cannot be before the participation start date.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="635"/>
        <source>Desil &apos;{value}&apos; tidak sah (harus 1 sampai 10); desil baris ini tidak dicatat, pesertanya tetap diimpor.</source>
        <translation>Decile &apos;{value}&apos; is not valid (it must be 1 to 10); this row&apos;s decile is not recorded, the participant is still imported.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="639"/>
        <source>Digit ke-7 s.d. 12 nomor KK ({digits}) bukan tanggal yang sah; periksa kembali.</source>
        <translation>Digits 7 to 12 of the KK number ({digits}) are not a valid date; please check.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="642"/>
        <source>Nama hanya boleh berisi huruf, spasi, titik, koma, apostrof dan tanda hubung.</source>
        <translation>A name may contain only letters, spaces, dots, commas, apostrophes and hyphens.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="645"/>
        <source>Nama terlalu pendek.</source>
        <translation>The name is too short.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="646"/>
        <source>{field}: &apos;{text}&apos; tidak dapat dibaca sebagai tanggal. Tulis seperti 17/08/1985 atau 17 Agustus 1985.</source>
        <translation>{field}: &apos;{text}&apos; cannot be read as a date. Write it like 17/08/1985 or 17 Agustus 1985.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="649"/>
        <source>{field}: &apos;{text}&apos; bukan tanggal yang ada di kalender.</source>
        <translation>{field}: &apos;{text}&apos; is not a date that exists.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="650"/>
        <source>{field} tidak boleh setelah hari ini.</source>
        <translation>{field} cannot be after today.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="651"/>
        <source>{field} sebelum tahun 1900; periksa kembali.</source>
        <translation>{field} is before 1900; please check.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="652"/>
        <source>Tanggal mulai kepesertaan sebelum tanggal lahir.</source>
        <translation>The start date is before the date of birth.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="653"/>
        <source>Umur pada tanggal mulai {age} tahun, melebihi batas {limit} tahun yang ditetapkan.</source>
        <translation>Age on the start date is {age}, above the set limit of {limit} years.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="656"/>
        <source>Umur pada tanggal mulai {age} tahun; pekerja di bawah 15 tahun tidak lazim.</source>
        <translation>Age on the start date is {age}; workers under 15 are unusual.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="659"/>
        <source>{field}: pilihan &apos;{value}&apos; tidak dikenal.</source>
        <translation>{field}: the choice &apos;{value}&apos; is not known.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="660"/>
        <source>{field} harus berupa angka 1-999.</source>
        <translation>{field} must be a number from 1 to 999.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="661"/>
        <source>Nomor telepon harus 8-15 digit, boleh diawali + dan berisi spasi atau tanda hubung.</source>
        <translation>The phone number must have 8-15 digits; it may start with + and contain spaces or hyphens.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="664"/>
        <source>Pekerja rentan harus disertai sumber datanya (DTKS, DTSEN, P3KE, ...).</source>
        <translation>A vulnerable worker needs the source list they come from (DTKS, DTSEN, P3KE, ...).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="667"/>
        <source>Tanggal berhenti ({exit}) sebelum tanggal mulai kepesertaan ({start}).</source>
        <translation>The end date ({exit}) is before the start date ({start}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="670"/>
        <source>Tanggal aktif kembali ({date}) sebelum tanggal berhenti ({exit}).</source>
        <translation>The reactivation date ({date}) is before the end date ({exit}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="673"/>
        <source>{field} terlalu panjang (maksimal {max} karakter).</source>
        <translation>{field} is too long (at most {max} characters).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="674"/>
        <source>{field}: nilai &apos;{value}&apos; tidak sah.</source>
        <translation>{field}: the value &apos;{value}&apos; is not valid.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="675"/>
        <source>Berkas itu bukan berkas pemulihan admin dari kabupaten (isinya tidak dapat dibaca sebagai berkas pemulihan).</source>
        <translation>That file is no admin recovery file from the regency (its content cannot be read as one).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="679"/>
        <source>Tanda tangan berkas pemulihan tidak cocok dengan kunci kabupaten yang dipercaya desa ini: berkas diubah atau bukan dari kabupaten. Tidak ada yang diubah.</source>
        <translation>The recovery file&apos;s signature does not match the regency key this village trusts: the file was altered or is not from the regency. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="684"/>
        <source>Pemulihan admin hanya untuk desa yang sudah terhubung dengan kabupaten (berkas pengaturan dari DPMD sudah dipasang). Hubungi DPMD.</source>
        <translation>Admin recovery is only for a village joined to the regency (DPMD&apos;s setup file installed). Contact DPMD.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="689"/>
        <source>Berkas pemulihan admin hanya dibuat oleh kabupaten.</source>
        <translation>Admin recovery files are made by the regency only.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="690"/>
        <source>Desa {desa} belum pernah mengirim paket dari perangkat yang terdaftar: berkas pemulihan tidak dapat dibuat.</source>
        <translation>Desa {desa} has never sent a package from a registered device: no recovery file can be made.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="694"/>
        <source>Berkas pemulihan ini dibuat untuk {desa}, bukan untuk desa ini. Tidak ada yang diubah.</source>
        <translation>This recovery file was made for {desa}, not for this village. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="697"/>
        <source>Berkas pemulihan ini dibuat untuk perangkat lain desa ini (yang terdaftar di kabupaten), bukan untuk PC ini. Minta DPMD membuat berkas baru.</source>
        <translation>This recovery file was made for another device of this village (the one registered at the regency), not for this PC. Ask DPMD for a new file.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="702"/>
        <source>Berkas pemulihan ini berlaku {issued} s.d. {expires}; hari ini di luar masa itu (periksa juga tanggal PC). Minta DPMD membuat berkas baru.</source>
        <translation>This recovery file is valid {issued} to {expires}; today is outside that period (check the PC&apos;s date too). Ask DPMD for a new file.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="707"/>
        <source>Berkas pemulihan ini sudah pernah dipakai; satu berkas hanya berlaku sekali. Minta DPMD membuat berkas baru.</source>
        <translation>This recovery file was used already; a file works once. Ask DPMD for a new file.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="711"/>
        <source>Tidak ada akun admin bernama &apos;{username}&apos; di desa ini. Isi nama pengguna admin yang lupa kata sandinya.</source>
        <translation>There is no admin account named &apos;{username}&apos; in this village. Enter the username of the admin who forgot the password.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="715"/>
        <source>Isi jabatan pejabat yang menandatangani atas nama kepala (misalnya Sekretaris Desa).</source>
        <translation>Fill in the position of the official signing on behalf of the head (for example Sekretaris Desa).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="718"/>
        <source>Isi jabatan pejabat yang menandatangani untuk beliau (u.b.), misalnya Kepala Urusan Umum.</source>
        <translation>Fill in the position of the official signing for them (u.b.), for example Kepala Urusan Umum.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="721"/>
        <source>NIP &apos;{value}&apos; harus 18 digit angka (boleh dengan spasi).</source>
        <translation>NIP &apos;{value}&apos; must be 18 digits (spaces allowed).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="722"/>
        <source>NIP &apos;{value}&apos; tidak sah: 8 digit pertama harus tanggal lahir dan 6 digit berikutnya bulan pengangkatan (TTTTBB). Periksa kembali.</source>
        <translation>NIP &apos;{value}&apos; is not valid: the first 8 digits must be a birth date and the next 6 the month of appointment (YYYYMM). Check it again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="727"/>
        <source>NIP &apos;{value}&apos; tidak sah: digit ke-15 harus 1 (laki-laki) atau 2 (perempuan).</source>
        <translation>NIP &apos;{value}&apos; is not valid: digit 15 must be 1 (male) or 2 (female).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="730"/>
        <source>{field} harus diisi bila nomor keputusan diisi; kosongkan nomornya bila daftar bukan lampiran.</source>
        <translation>{field} must be filled in when a decree number is; leave the number empty if the list is no annex.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="734"/>
        <source>Gagal menulis {path}: {detail}. Pilih folder lain atau tutup berkas itu di Excel.</source>
        <translation>Could not write {path}: {detail}. Choose another folder or close the file in Excel.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="737"/>
        <source>Kolom tidak dikenal: {columns}. Kolom yang tersedia: {known}.</source>
        <translation>Unknown columns: {columns}. Available columns: {known}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="738"/>
        <source>Berkas {path} tidak ditemukan.</source>
        <translation>File {path} not found.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="853"/>
        <source>Nomor KPJ &apos;{kpj}&apos; tidak sah: harus angka saja, {low} sampai {high} digit (tulis sebagai teks agar nol di depan tetap).</source>
        <translation>KPJ number &apos;{kpj}&apos; is not valid: it must be digits only, {low} to {high} of them (write it as text so leading zeros stay).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="858"/>
        <source>Perhatian: nomor KPJ {kpj} berisi {found} digit, bukan {digits} digit seperti biasanya. Nomor ini tetap dicatat; cocokkan dengan berkas BPJS (panjang yang biasa dapat diubah di Pengaturan).</source>
        <translation>Note: KPJ number {kpj} has {found} digits, not the usual {digits}. It is recorded anyway; check it against the BPJS file (the usual length can be changed in Settings).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="739"/>
        <source>Berkas {path} terlalu besar ({size} MB; batasnya {max} MB). Pecah daftar menjadi beberapa berkas.</source>
        <translation>The file {path} is too large ({size} MB; the limit is {max} MB). Split the list into several files.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="498"/>
        <source>Bulan &apos;{value}&apos; tidak dikenal. Tulis sebagai BB/TTTT, misalnya 05/2026 (atau Mei 2026).</source>
        <translation>Month &apos;{value}&apos; is not known. Write it as MM/YYYY, for example 05/2026 (or Mei 2026).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="742"/>
        <source>Berkas {path} dilindungi kata sandi. Buka di Excel, hapus kata sandinya, simpan, lalu impor lagi.</source>
        <translation>The file {path} is protected by a password. Open it in Excel, remove the password, save it and import again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="745"/>
        <source>Berkas {path} rusak dan tidak dapat dibaca ({detail}).</source>
        <translation>The file {path} is damaged and cannot be read ({detail}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="746"/>
        <source>Berkas {path} bukan daftar yang dapat dibaca: isinya berkas {what}. Simpan daftarnya sebagai buku kerja Excel (.xlsx), LibreOffice (.ods) atau CSV, lalu pilih berkas itu.</source>
        <translation>The file {path} is not a list that can be read: it is a {what} file. Save the list as an Excel workbook (.xlsx), LibreOffice (.ods) or CSV, then choose that file.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="751"/>
        <source>Berkas {path} bukan daftar yang dapat dibaca: isinya data biner, bukan buku kerja atau teks CSV. Simpan daftarnya sebagai buku kerja Excel (.xlsx), LibreOffice (.ods) atau CSV, lalu pilih berkas itu.</source>
        <translation>The file {path} is not a list that can be read: it holds binary data, not a workbook or CSV text. Save the list as an Excel workbook (.xlsx), LibreOffice (.ods) or CSV, then choose that file.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="756"/>
        <source>Berkas {path} (lembar {sheet}) terlalu besar setelah dibuka: lebih dari {max} MB. Daftar desa atau kabupaten tidak sebesar itu; berkas ini rusak atau bukan daftar. Tidak ada yang dibaca.</source>
        <translation>The file {path} (sheet {sheet}) is too large once unpacked: more than {max} MB. No village or regency list is that large; the file is damaged or not a list. Nothing was read.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="761"/>
        <source>Berkas {path} (lembar {sheet}) berisi lebih dari {rows} baris atau {cells} sel berisi data, batas satu impor. Pecah daftar menjadi beberapa berkas. Tidak ada yang dibaca.</source>
        <translation>The file {path} (sheet {sheet}) holds more than {rows} rows or {cells} cells with data, the limit of one import. Split the list into several files. Nothing was read.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="766"/>
        <source>Berkas {path} ({sheet}) memuat satu sel yang lebih panjang dari {max} karakter, batas Excel sendiri: berkas ini rusak atau tidak dibuat sebagai daftar. Tidak ada yang dibaca.</source>
        <translation>The file {path} ({sheet}) holds a cell longer than {max} characters, Excel&apos;s own limit: the file is damaged or was not made as a list. Nothing was read.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="771"/>
        <source>Baris {row} berkas {path} memuat satu kolom yang lebih panjang dari {max} karakter, batas Excel sendiri: berkas ini rusak atau tidak dibuat sebagai daftar. Tidak ada yang dibaca.</source>
        <translation>Row {row} of {path} holds a field longer than {max} characters, Excel&apos;s own limit: the file is damaged or was not made as a list. Nothing was read.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="776"/>
        <source>Lembar {sheet} di {path} berisi {count} sel rumus yang hasilnya belum pernah dihitung (berkas dibuat program lain, bukan disimpan oleh Excel). Buka berkas itu di Excel atau LibreOffice, simpan, lalu impor lagi. Tidak ada yang dibaca.</source>
        <translation>The sheet {sheet} in {path} holds {count} formula cells whose results were never calculated (the file was made by another program, not saved by Excel). Open the file in Excel or LibreOffice, save it, then import it again. Nothing was read.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="782"/>
        <source>Lembar {sheet} di berkas {path} kosong.</source>
        <translation>Sheet {sheet} in {path} is empty.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="783"/>
        <source>Berkas {path} tidak memiliki lembar bernama {sheet}.</source>
        <translation>The file {path} has no sheet named {sheet}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="784"/>
        <source>Tidak ada kolom NIK di {path} (lembar: {sheet}). Beri judul kolom &apos;NIK&apos; atau pilih kolomnya sendiri.</source>
        <translation>There is no NIK column in {path} (sheets: {sheet}). Give the column the heading &apos;NIK&apos; or choose it yourself.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="788"/>
        <source>Sel NIK berisi angka, bukan teks ({digits}). Excel hanya menyimpan 15 digit, sehingga digit terakhir NIK bisa sudah hilang. Ketik ulang NIK sebagai teks (format Teks, atau awali dengan tanda &apos;).</source>
        <translation>The NIK cell holds a number, not text ({digits}). Excel keeps only 15 digits, so the NIK&apos;s last digit may already be lost. Type the NIK again as text (Text format, or start it with &apos;).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="793"/>
        <source>Sel NIK berisi angka, bukan teks ({digits}). Digit terakhirnya bukan 0, jadi Excel tidak memotongnya (Excel menyimpan 15 digit dan menulis digit ke-16 sebagai 0): NIK ini diterima. Sebaiknya kolom NIK diformat sebagai Teks.</source>
        <translation>The NIK cell holds a number, not text ({digits}). Its last digit is not 0, so Excel did not cut it (Excel keeps 15 digits and writes the 16th as 0): this NIK is accepted. Better format the NIK column as Text.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="799"/>
        <source>Sel nomor KK berisi angka, bukan teks ({digits}). Digit terakhirnya bukan 0, jadi Excel tidak memotongnya: nomor ini diterima. Sebaiknya kolom KK diformat sebagai Teks.</source>
        <translation>The KK number cell holds a number, not text ({digits}). Its last digit is not 0, so Excel did not cut it: the number is accepted. Better format the KK column as Text.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="804"/>
        <source>Sel nomor KK berisi angka, bukan teks ({digits}). Excel hanya menyimpan 15 digit, sehingga digit terakhirnya bisa sudah hilang. Ketik ulang sebagai teks.</source>
        <translation>The KK cell holds a number, not text ({digits}). Excel keeps only 15 digits, so its last digit may already be lost. Type it again as text.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="809"/>
        <source>NIK ini sudah ada di baris {first_row} berkas yang sama.</source>
        <translation>This NIK already appears in row {first_row} of the same file.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="810"/>
        <source>Lembar ini berisi rumus; yang dibaca adalah hasil terakhir yang disimpan Excel. Sel rumus yang belum pernah dihitung terbaca kosong.</source>
        <translation>This sheet contains formulas; the values read are the last results Excel saved. Formula cells never calculated read as empty.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="816"/>
        <source>Kode wilayah {code} tidak dikenal: tulis kode desa (33.19.03.2008) atau kecamatan (33.19.03).</source>
        <translation>Unknown area code {code}: write a village code (33.19.03.2008) or a kecamatan code (33.19.03).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="819"/>
        <source>--map {pair}: tulis KOLOM=JUDUL, KOLOM salah satu dari {fields}, JUDUL judul kolom di berkas.</source>
        <translation>--map {pair}: write FIELD=HEADER, FIELD one of {fields}, HEADER a column header in the file.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="822"/>
        <source>Fitur ini hanya tersedia di instalasi mode kabupaten.</source>
        <translation>This is only available in a regency-mode installation.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="823"/>
        <source>Peran {role} tidak boleh memutuskan kepesertaan ganda; minta admin atau verifikator.</source>
        <translation>The role {role} may not decide double enrolments; ask an admin or a verifier.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="826"/>
        <source>Keputusan &apos;{decision}&apos; tidak dikenal.</source>
        <translation>Unknown decision &apos;{decision}&apos;.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="827"/>
        <source>Kasus kepesertaan ganda nomor {id} tidak ada.</source>
        <translation>There is no double-enrolment case number {id}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="828"/>
        <source>Kasus nomor {id} sudah diputuskan sebelumnya; keputusan itu tidak diubah.</source>
        <translation>Case number {id} was already decided; that decision is unchanged.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="831"/>
        <source>Kedua kepesertaan memakai NIK yang sama ({nik}), jadi pasti orang yang sama: pilih kepesertaan yang berlaku.</source>
        <translation>Both enrolments use the same NIK ({nik}), so they are the same person: choose the enrolment that stands.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="835"/>
        <source>Berkas {path} tidak berisi satu pun NIK yang sah. Daftar APBD yang tersimpan tidak diubah.</source>
        <translation>{path} holds no valid NIK. The stored APBD list is unchanged.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="838"/>
        <source>NIK ini sudah ada di baris sebelumnya; baris ini dilewati.</source>
        <translation>This NIK is already on an earlier row; this row is skipped.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="839"/>
        <source>Tidak ada peserta yang perlu didaftarkan ke BPJS untuk {desa}: semua peserta aktif yang diterima sudah ber-KPJ atau sudah dikirim.</source>
        <translation>No participant to register with BPJS for {desa}: every active accepted participant has a KPJ number or was already sent.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="844"/>
        <source>Berkas {path} (lembar: {sheet}) tidak punya kolom KPJ maupun kolom status. Beri judul kolom &apos;KPJ&apos; dan &apos;STATUS&apos; atau pilih kolomnya sendiri.</source>
        <translation>{path} (sheet: {sheet}) has neither a KPJ nor a status column. Head the columns &apos;KPJ&apos; and &apos;STATUS&apos; or choose them yourself.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="849"/>
        <source>Status &apos;{status}&apos; tidak dikenali: tulis misalnya TERDAFTAR atau DITOLAK, atau isi nomor KPJ.</source>
        <translation>Status &apos;{status}&apos; not recognised: write e.g. TERDAFTAR or DITOLAK, or fill in the KPJ number.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/core/rules/labels.py" line="852"/>
        <source>Status terdaftar tetapi nomor KPJ kosong.</source>
        <translation>Status registered but the KPJ number is empty.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/ops.py" line="260"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>PremiumsPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="274"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="295"/>
        <source>Iuran</source>
        <translation>Premiums</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="291"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="319"/>
        <source>No. Registrasi</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="292"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="320"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="293"/>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="294"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="415"/>
        <source>Sumber dana</source>
        <translation>Funding</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="296"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="376"/>
        <source>Dibayar</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="297"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="321"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="344"/>
        <source>Keadaan</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="298"/>
        <source>12 bulan terakhir</source>
        <translation>Last 12 months</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="307"/>
        <source>Catat pembayaran…</source>
        <translation>Record payment…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="311"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="375"/>
        <source>Bulan</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="316"/>
        <source>Tidak ditagih: belum atau tidak lagi terdaftar sebagai peserta</source>
        <translation>Not billed: not (or no longer) enrolled</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="322"/>
        <source>Alasan</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="338"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="413"/>
        <source>No.</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="339"/>
        <source>Tanggal bayar</source>
        <translation>Date paid</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="340"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="600"/>
        <source>Jumlah</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="341"/>
        <source>Untuk bulan</source>
        <translation>For months</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="342"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="375"/>
        <source>Peserta</source>
        <translation>Participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="342"/>
        <source>Referensi</source>
        <translation>Reference</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="343"/>
        <source>Dicatat oleh</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="347"/>
        <source>Batalkan pembayaran terpilih…</source>
        <translation>Void selected payment…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="368"/>
        <source>pagu yang disahkan dalam APBDes</source>
        <translation>amount adopted in the village budget</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="369"/>
        <source>Simpan anggaran</source>
        <translation>Save budget</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="375"/>
        <source>Jatuh tempo</source>
        <translation>Due</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="375"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="450"/>
        <source>Tagihan</source>
        <translation>Bill</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="376"/>
        <source>Belum dibayar</source>
        <translation>Unpaid</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="376"/>
        <source>Pembayaran diterima</source>
        <translation>Payments received</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="379"/>
        <source>Simpan laporan Excel…</source>
        <translation>Save Excel report…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="382"/>
        <source>Cetak rekap…</source>
        <translation>Print recap…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="388"/>
        <source>Tahun</source>
        <translation>Year</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="389"/>
        <source>Rencana tambahan peserta</source>
        <translation>Planned additional participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="390"/>
        <source>Kebutuhan anggaran</source>
        <translation>Budget needed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="399"/>
        <source>Anggaran APBDes (Rp)</source>
        <translation>Village budget line (Rp)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="413"/>
        <source>Jenis</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="414"/>
        <source>Berlaku</source>
        <translation>Valid</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="416"/>
        <source>Rincian</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="417"/>
        <source>Aktif</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="418"/>
        <source>Dasar hukum</source>
        <translation>Legal basis</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="421"/>
        <source>Aktifkan / nonaktifkan baris terpilih</source>
        <translation>Switch selected row on / off</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="424"/>
        <source>Tambah baris tarif…</source>
        <translation>Add rate row…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="431"/>
        <source>Hanya admin yang boleh mengubah tarif.</source>
        <translation>Only an admin may change rates.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="434"/>
        <source>Iuran setiap bulan dihitung dari baris tarif yang berlaku pada bulan itu. Diskon PP 50/2025 (April-Desember 2026) dikecualikan untuk iuran dari APBN/APBD; berlakunya untuk APBDes belum pasti, jadi barisnya nonaktif sampai BPJS Kudus memastikannya.</source>
        <translation>Each month&apos;s premium comes from the rate rows valid in that month. The PP 50/2025 discount (April-December 2026) excludes premiums paid from APBN/APBD; whether it applies to the village budget is unconfirmed, so its row stays off until BPJS Kudus confirms it.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="451"/>
        <source>Pembayaran</source>
        <translation>Payments</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="452"/>
        <source>Anggaran</source>
        <translation>Budget</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="453"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="685"/>
        <source>Tarif</source>
        <translation>Rate</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="514"/>
        <source>Tagihan {month}: {n} peserta, {total}. Jatuh tempo {due}. Dibayar {paid}; belum dibayar {open} ({unpaid} peserta).</source>
        <translation>Bill for {month}: {n} participants, {total}. Due {due}. Paid {paid}; unpaid {open} ({unpaid} participants).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="523"/>
        <source>{n} peserta menunggak setelah jatuh tempo.</source>
        <translation>{n} participants are in arrears after the due date.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="526"/>
        <source>{n} peserta gugur (lebih dari 3 bulan tidak dibayar) dan harus didaftarkan ulang.</source>
        <translation>{n} participants lapsed (more than 3 months unpaid) and must be registered again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="529"/>
        <source>{n} peserta dibiayai APBD Kabupaten, tidak ditagih ke desa.</source>
        <translation>{n} participants are funded by the regency and not billed to the village.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="534"/>
        <source>{n} orang tidak ditagih karena belum disetujui verifikator atau ditolak kabupaten/BPJS (lihat di bawah).</source>
        <translation>{n} people are not billed because the verifier has not approved them or the regency/BPJS rejected them (see below).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="498"/>
        <source>dibatalkan: {reason}</source>
        <translation>voided: {reason}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="498"/>
        <source>sah</source>
        <translation>valid</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="558"/>
        <source>({active} peserta aktif + {add} tambahan) × 12 bulan × {rates} = {total}</source>
        <translation>({active} active participants + {add} additional) × 12 months × {rates} = {total}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="566"/>
        <source>{n} orang lain belum disetujui atau ditolak, jadi tidak dianggarkan.</source>
        <translation>{n} other people are not approved or were rejected, so they are not budgeted.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="573"/>
        <source>Perhatian: {n} peserta, kurang dari jumlah minimal {min} peserta per desa yang ditetapkan kabupaten.</source>
        <translation>Note: {n} participants, fewer than the minimum of {min} per village set by the regency.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="581"/>
        <source>Realisasi {year}: {received} dari anggaran {budget} ({pct:.1f}%). Tunggakan {arrears}.</source>
        <translation>Spent in {year}: {received} of the budget {budget} ({pct:.1f}%). Arrears {arrears}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="591"/>
        <source>Anggaran {year} belum dicatat. Diterima {received}; tunggakan {arrears}.</source>
        <translation>The {year} budget is not recorded. Paid {received}; arrears {arrears}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="505"/>
        <source>JKK {pct}% × {income} + JKM {jkm}</source>
        <translation>JKK {pct}% × {income} + JKM {jkm}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="508"/>
        <source>diskon {pct}%</source>
        <translation>discount {pct}%</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="415"/>
        <source>semua</source>
        <translation>all</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="417"/>
        <source>ya</source>
        <translation>yes</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="417"/>
        <source>tidak</source>
        <translation>no</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="623"/>
        <source>Pembayaran iuran</source>
        <translation>Premium payment</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="624"/>
        <source>Pembayaran {amount} dicatat untuk {n} peserta, {period}.</source>
        <translation>Payment of {amount} recorded for {n} participants, {period}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="633"/>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="637"/>
        <source>Batalkan pembayaran</source>
        <translation>Void payment</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="633"/>
        <source>Pilih pembayarannya di daftar lebih dahulu.</source>
        <translation>Select the payment in the list first.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="638"/>
        <source>Alasan pembatalan (bulan-bulannya kembali belum dibayar; catatannya tetap ada):</source>
        <translation>Reason for voiding (its months become unpaid again; the record stays):</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="653"/>
        <source>Simpan laporan iuran</source>
        <translation>Save premium report</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="662"/>
        <source>Laporan iuran</source>
        <translation>Premium report</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="663"/>
        <source>Laporan {year} ({n} pembayaran) ditulis ke {path}.</source>
        <translation>The {year} report ({n} payments) was written to {path}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="676"/>
        <source>Rekap iuran {year}</source>
        <translation>Premium recap {year}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="677"/>
        <source>Rekapitulasi iuran bulanan tahun {year} dengan tanda tangan</source>
        <translation>Monthly premium recap for {year} with signatures</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="685"/>
        <source>Pilih barisnya di tabel lebih dahulu.</source>
        <translation>Select the row in the table first.</translation>
    </message>
</context>
<context>
    <name>PrivacyWidget</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="44"/>
        <source> tahun</source>
        <translation> years</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="45"/>
        <source>simpan selamanya</source>
        <translation>keep forever</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="46"/>
        <source>Simpan</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="52"/>
        <source>Hapus data lama…</source>
        <translation>Remove old data…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="55"/>
        <source>Flashdisk hilang…</source>
        <translation>Lost USB stick…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="58"/>
        <source>Komputer hilang atau dicuri…</source>
        <translation>Lost or stolen computer…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="70"/>
        <source>Masa simpan setelah berhenti</source>
        <translation>Kept after the participation ends</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="76"/>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="162"/>
        <source>Laporan kehilangan</source>
        <translation>Loss report</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="79"/>
        <source>Data orang yang kepesertaannya berakhir lebih lama dari masa simpan dihapus untuk selamanya, termasuk riwayat dan catatan log yang menyebut mereka; log hanya mencatat jumlahnya. Laporan kehilangan mendaftar siapa saja yang datanya ada di flashdisk (menurut nomor paket) atau di komputer ini, dengan NIK lengkap, untuk pemberitahuan kepada mereka.</source>
        <translation>People whose participation ended longer ago than the retention period are removed for good, with their history and the log entries that name them; the log records only how many. The loss report lists whose data was on a USB stick (by package number) or on this computer, with full NIKs, so they can be notified.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="100"/>
        <source>{n} orang berhenti sebelum {day} dan menunggu dihapus.</source>
        <translation>{n} people ended before {day} and are due for removal.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="105"/>
        <source>Masa simpan belum diatur: tidak ada yang dihapus.</source>
        <translation>No retention period is set: nothing is removed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="119"/>
        <source>Jam komputer menunjukkan {today}, lebih dari sebulan setelah tanggal paket terbaru desa-desa (nilai tengahnya {receipt}): umur data dihitung sampai {counted} saja. Bila jam itu salah, perbaiki jam Windows.</source>
        <translation>The computer clock shows {today}, more than a month after the date of the villages&apos; newest packages (their median is {receipt}): the age of the data is counted only up to {counted}. If the clock is wrong, correct the Windows clock.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="125"/>
        <source>Jam komputer menunjukkan {today}, lebih dari sebulan setelah tanda terima kabupaten terakhir ({receipt}): umur data dihitung sampai {counted} saja. Bila jam itu salah, perbaiki jam Windows.</source>
        <translation>The computer clock shows {today}, more than a month after the regency&apos;s last receipt ({receipt}): the age of the data is counted only up to {counted}. If the clock is wrong, correct the Windows clock.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="133"/>
        <source>Umur data dihitung dari jam komputer, yang kini menunjukkan {today}. Bila tanggal itu salah, batalkan dan perbaiki jam Windows dulu.</source>
        <translation>The age of the data is counted from the computer clock, which now shows {today}. If that date is wrong, cancel and correct the Windows clock first.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="137"/>
        <source>{n} orang yang kepesertaannya berakhir sebelum {day} akan dihapus untuk selamanya, beserta riwayat, kartu, iuran, dan penyebutan mereka di log audit. Cadangan lama masih menyimpannya sampai terhapus oleh rotasi.

{clock}

Lanjutkan?</source>
        <translation>{n} people whose participation ended before {day} will be removed for good, with their history, cards, premiums and the mentions of them in the audit log. Older backups keep them until the rotation drops them.

{clock}

Continue?</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="141"/>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="145"/>
        <source>Hapus data lama</source>
        <translation>Remove old data</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="141"/>
        <source>Hapus</source>
        <translation>Remove</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="141"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="145"/>
        <source>{n} orang dihapus.</source>
        <translation>{n} people removed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="151"/>
        <source>Simpan laporan kehilangan</source>
        <translation>Save loss report</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="163"/>
        <source>{n} orang ditulis ke {path}. Berkas ini memuat NIK lengkap: simpan dan kirim dengan hati-hati.</source>
        <translation>{n} people written to {path}. The file holds full NIKs: keep and send it with care.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="169"/>
        <source>Flashdisk hilang</source>
        <translation>Lost USB stick</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/privacy_widget.py" line="170"/>
        <source>Nomor paket yang ada di flashdisk itu (lihat daftar paket di halaman Sinkronisasi), misalnya 3, 4, 5:</source>
        <translation>Numbers of the packages on that stick (see the package list on the Sync page), for example 3, 4, 5:</translation>
    </message>
</context>
<context>
    <name>PublishUpdateDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="38"/>
        <source>Terbitkan pembaruan untuk desa</source>
        <translation>Publish an update for the villages</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="41"/>
        <source>Pemasang Windows (.exe) atau bundel Linux (.tar.gz)</source>
        <translation>Windows installer (.exe) or Linux bundle (.tar.gz)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="42"/>
        <source>Pilih…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="49"/>
        <source>mis. {example}</source>
        <translation>e.g. {example}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="52"/>
        <source>Windows 10/11 64-bit (pemasang)</source>
        <translation>Windows 10/11 64-bit (installer)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="53"/>
        <source>Linux 64-bit (bundel)</source>
        <translation>Linux 64-bit (bundle)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="58"/>
        <source>Basis data desa yang lebih tua dari skema ini tidak dibuka versi baru; 1 berarti semua.</source>
        <translation>A village database older than this schema is not opened by the new version; 1 means all.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="62"/>
        <source>Yang baru atau diperbaiki, dibaca operator desa sebelum memasang</source>
        <translation>What is new or fixed, read by the village clerk before installing</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="64"/>
        <source>Salin juga ke flashdisk (untuk desa yang tidak daring)</source>
        <translation>Copy to a stick as well (for villages that are offline)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="71"/>
        <source>Ditandatangani dengan kunci kabupaten yang sudah dipercaya setiap desa sejak bergabung. Server sinkronisasi menawarkannya kepada desa yang daring; versi yang berjalan di kabupaten: {version}.</source>
        <translation>Signed with the regency&apos;s key, which every village trusts since it joined. The sync server offers it to villages online; the version running at the regency: {version}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="78"/>
        <source>Berkas</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="79"/>
        <source>Versi</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="80"/>
        <source>Untuk</source>
        <translation>For</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="81"/>
        <source>Skema terendah</source>
        <translation>Oldest schema</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="82"/>
        <source>Catatan</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="85"/>
        <source>Tandatangani dan terbitkan</source>
        <translation>Sign and publish</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="88"/>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="100"/>
        <source>Pilih pemasang atau bundel</source>
        <translation>Choose the installer or bundle</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="100"/>
        <source>Pembaruan (*.exe *.tar.gz);;Semua berkas (*)</source>
        <translation>Updates (*.exe *.tar.gz);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="111"/>
        <source>Pilih berkas pemasang atau bundel lebih dahulu.</source>
        <translation>Choose the installer or bundle file first.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="115"/>
        <source>Pilih flashdisk atau folder tujuan</source>
        <translation>Choose the stick or target folder</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="128"/>
        <source>Pembaruan {version} untuk {platform} ditandatangani: {path}.</source>
        <translation>Update {version} for {platform} signed: {path}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="132"/>
        <source>Disalin ke {path}.</source>
        <translation>Copied to {path}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="133"/>
        <source>Desa yang daring menerimanya setelah sinkronisasi berikutnya.</source>
        <translation>Villages online receive it after their next sync.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/publish_dialog.py" line="138"/>
        <source>Menandatangani pembaruan…</source>
        <translation>Signing the update…</translation>
    </message>
</context>
<context>
    <name>RateDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="202"/>
        <source>Tambah baris tarif</source>
        <translation>Add rate row</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="209"/>
        <source>kosong: seterusnya</source>
        <translation>empty: open-ended</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="211"/>
        <source>Semua sumber dana</source>
        <translation>All funding sources</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="227"/>
        <source>Jenis</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="227"/>
        <source>Berlaku mulai (BB/TTTT)</source>
        <translation>Valid from (MM/YYYY)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="228"/>
        <source>Berlaku sampai</source>
        <translation>Valid to</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="228"/>
        <source>Sumber dana</source>
        <translation>Funding</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="229"/>
        <source>Penghasilan dilaporkan (Rp)</source>
        <translation>Reported income (Rp)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="229"/>
        <source>JKK (% penghasilan)</source>
        <translation>JKK (% of income)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="230"/>
        <source>JKM (Rp)</source>
        <translation>JKM (Rp)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="230"/>
        <source>Diskon (%)</source>
        <translation>Discount (%)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/premiums_page.py" line="231"/>
        <source>Dasar hukum</source>
        <translation>Legal basis</translation>
    </message>
</context>
<context>
    <name>ReactivateDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/status_dialogs.py" line="106"/>
        <source>Aktifkan kembali</source>
        <translation>Reactivate</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/status_dialogs.py" line="108"/>
        <source>{name} ({reg}) berhenti sejak {date} karena {reason}. Kepesertaannya diaktifkan kembali mulai tanggal berikut.</source>
        <translation>{name} ({reg}) ended on {date}: {reason}. The participation becomes active again from the date below.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/status_dialogs.py" line="116"/>
        <source>Aktif kembali mulai *</source>
        <translation>Active again from *</translation>
    </message>
</context>
<context>
    <name>RecoveryDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="34"/>
        <source>Lupa kata sandi admin</source>
        <translation>Forgot the admin password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="37"/>
        <source>Minta DPMD membuat berkas pemulihan admin untuk desa ini (berlaku 7 hari, sekali pakai, hanya untuk PC ini). Pilih berkasnya, lalu isi kata sandi baru, minimal {min} karakter.</source>
        <translation>Ask DPMD to make an admin recovery file for this village (valid 7 days, once, for this PC only). Choose the file, then enter a new password of at least {min} characters.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="50"/>
        <source>Pilih berkas…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="65"/>
        <source>Berkas pemulihan</source>
        <translation>Recovery file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="66"/>
        <source>Akun admin</source>
        <translation>Admin account</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="67"/>
        <source>Kata sandi baru</source>
        <translation>New password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="68"/>
        <source>Ulangi kata sandi baru</source>
        <translation>Repeat the new password</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="70"/>
        <source>Pulihkan</source>
        <translation>Recover</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="71"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="82"/>
        <source>Pilih berkas pemulihan</source>
        <translation>Choose the recovery file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="82"/>
        <source>Berkas pemulihan (*.json)</source>
        <translation>Recovery file (*.json)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/recovery_dialog.py" line="92"/>
        <source>Pilih berkas pemulihan dari DPMD lebih dahulu.</source>
        <translation>Choose the recovery file from DPMD first.</translation>
    </message>
</context>
<context>
    <name>RegencyDashboardPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="179"/>
        <source>Beranda</source>
        <extracomment>Line colours for the nine kecamatan, distinguishable in print and for colour-blind readers. The narrowest a column of counts becomes on a small screen (its header is then cut, whole in its tooltip). A kecamatan or desa code whose participants the user wants to see.</extracomment>
        <translation>Home</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="183"/>
        <source>Simpan laporan cakupan…</source>
        <translation>Save coverage report…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="193"/>
        <source>Peserta aktif</source>
        <translation>Active participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="194"/>
        <source>Baru bulan ini</source>
        <translation>New this month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="195"/>
        <source>Berhenti bulan ini</source>
        <translation>Ended this month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="196"/>
        <source>Desa tanpa kabar 30 hari</source>
        <translation>Villages silent for 30 days</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="197"/>
        <source>Desa dengan paket hilang</source>
        <translation>Villages with missing packages</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="198"/>
        <source>Kepesertaan ganda terbuka</source>
        <translation>Open double enrolments</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="206"/>
        <source>Kecamatan / desa</source>
        <translation>Kecamatan / village</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="206"/>
        <source>Aktif</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="208"/>
        <source>Baru</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="208"/>
        <source>Berhenti</source>
        <translation>Ended</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="208"/>
        <source>Ber-KPJ</source>
        <translation>With KPJ</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="208"/>
        <source>Iuran bulan ini lunas</source>
        <translation>Paid this month</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="209"/>
        <source>Ganda</source>
        <translation>Doubles</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="209"/>
        <source>Kontak terakhir</source>
        <translation>Last contact</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="209"/>
        <source>Paket hilang</source>
        <translation>Missing packages</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="228"/>
        <source>Klik dua kali kecamatan atau desa untuk melihat daftar pesertanya.</source>
        <translation>Double-click a kecamatan or village to see its participants.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="232"/>
        <source>Peserta aktif per kecamatan pada akhir bulan</source>
        <translation>Active participants per kecamatan at month end</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="271"/>
        <source>belum pernah</source>
        <translation>never</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="273"/>
        <source>{n} desa tanpa kabar</source>
        <translation>{n} villages silent</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="282"/>
        <source>{n} sudah ber-KPJ</source>
        <translation>{n} with a KPJ number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="288"/>
        <source>dari {n} desa</source>
        <translation>of {n} villages</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="291"/>
        <source>{n} paket belum sampai</source>
        <translation>{n} packages not arrived</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="294"/>
        <source>{nik} NIK sama, {apbd} APBD, {sim} mirip</source>
        <translation>{nik} same NIK, {apbd} APBD, {sim} look-alike</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="318"/>
        <source>Jumlah kabupaten</source>
        <translation>Regency total</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="339"/>
        <source>Simpan laporan cakupan</source>
        <translation>Save coverage report</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="352"/>
        <source>Laporan cakupan</source>
        <translation>Coverage report</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/regency/regency_pages.py" line="353"/>
        <source>Laporan cakupan {n} desa disimpan ke {path}.</source>
        <translation>Coverage report of {n} villages saved to {path}.</translation>
    </message>
</context>
<context>
    <name>RegencySyncPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="397"/>
        <source>Sinkronisasi desa</source>
        <translation>Village sync</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="399"/>
        <source>Impor paket…</source>
        <translation>Import packages…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="402"/>
        <source>Impor semua paket di flashdisk…</source>
        <translation>Import every package on a USB stick…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="405"/>
        <source>Tulis tanda terima…</source>
        <translation>Write receipts…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="409"/>
        <source>Minta kirim ulang lengkap dari desa terpilih</source>
        <translation>Ask the selected village for a full resend</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="415"/>
        <source>Komputer desa yang mengirim paket lewat server tetapi belum dikonfirmasi sidik jarinya.</source>
        <translation>Village computers that sent packages through the server but whose fingerprint is not confirmed yet.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="419"/>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="506"/>
        <source>Perangkat daring menunggu ({n})…</source>
        <translation>Online devices waiting ({n})…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="421"/>
        <source>Perangkat desa…</source>
        <translation>Village devices…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="424"/>
        <source>Perangkat terdaftar tiap desa; cabut perangkat yang hilang atau dicuri.</source>
        <translation>The registered devices of each village; revoke one that was lost or stolen.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="427"/>
        <source>Terbitkan pembaruan…</source>
        <translation>Publish an update…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="430"/>
        <source>Versi baru Kudus Desktop untuk desa, ditandatangani kunci kabupaten (lewat server atau flashdisk)</source>
        <translation>A new version of Kudus Desktop for the villages, signed with the regency&apos;s key (through the server or a stick)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="444"/>
        <source>Berkas setup untuk desa</source>
        <translation>Setup file for a village</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="450"/>
        <source>Simpan berkas setup…</source>
        <translation>Save setup file…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="453"/>
        <source>Berkas pemulihan admin…</source>
        <translation>Admin recovery file…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="456"/>
        <source>Untuk desa yang admin satu-satunya lupa kata sandi: berlaku 7 hari, sekali pakai, hanya di PC desa yang terdaftar</source>
        <translation>For a village whose only admin forgot the password: valid 7 days, once, only on the village&apos;s registered PC</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="469"/>
        <source>Kode</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="469"/>
        <source>Desa</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="470"/>
        <source>Kecamatan</source>
        <translation>District</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="470"/>
        <source>Perangkat</source>
        <translation>Devices</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="474"/>
        <source>Kontak terakhir</source>
        <translation>Last contact</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="475"/>
        <source>Peserta aktif</source>
        <translation>Active participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="476"/>
        <source>Paket hilang</source>
        <translation>Missing packages</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="472"/>
        <source>Paket</source>
        <translation>Package</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="473"/>
        <source>Nomor paket terakhir yang diterima dari desa</source>
        <translation>Number of the last package received from the village</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="475"/>
        <source>Aktif</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="478"/>
        <source>Ditolak</source>
        <translation>Refused</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="479"/>
        <source>Data peserta yang versi terakhirnya ditolak pemeriksaan kabupaten</source>
        <translation>Participant records whose latest version the regency&apos;s checks refused</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="494"/>
        <source>Hasil impor terakhir</source>
        <translation>Last import results</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="512"/>
        <source>{heard} dari {total} desa sudah mengirim paket; {gaps} desa dengan paket hilang; {dup} NIK ganda menunggu keputusan.</source>
        <translation>{heard} of {total} villages have sent packages; {gaps} villages with missing packages; {dup} double NIKs awaiting a decision.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="521"/>
        <source>Pilih paket desa</source>
        <translation>Choose village packages</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="526"/>
        <source>Pilih flashdisk atau folder berisi paket</source>
        <translation>Choose the USB stick or folder holding packages</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="533"/>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="620"/>
        <source>Impor paket</source>
        <translation>Import packages</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="533"/>
        <source>Tidak ada berkas paket (*.kdp) di sana.</source>
        <translation>There are no package files (*.kdp) there.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="547"/>
        <source>Paket {name} berasal dari komputer desa {desa} yang belum terdaftar.

Sidik jari perangkat itu:
{fp}

Telepon operator desa dan minta ia membacakan sidik jari dari halaman Sinkronisasinya. Daftarkan hanya bila sama persis.</source>
        <translation>Package {name} comes from an unregistered computer of village {desa}.

That device&apos;s fingerprint:
{fp}

Call the village operator and ask them to read the fingerprint from their Sync page. Register only if it is exactly the same.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="551"/>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="572"/>
        <source>Perangkat desa baru</source>
        <translation>New village device</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="551"/>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="572"/>
        <source>Sama, daftarkan</source>
        <translation>Same, register</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="551"/>
        <source>Tolak</source>
        <translation>Refuse</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="556"/>
        <source>Mengimpor paket desa…</source>
        <translation>Importing village packages…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="568"/>
        <source>Komputer desa {desa} mengirim {name} lewat server, tetapi belum terdaftar.

Sidik jari perangkat itu:
{fp}

Telepon operator desa dan minta ia membacakan sidik jari dari halaman Sinkronisasinya. Daftarkan hanya bila sama persis.</source>
        <translation>A computer of village {desa} sent {name} through the server but is not registered.

That device&apos;s fingerprint:
{fp}

Call the village operator and ask them to read out the fingerprint from their Sync page. Register only if it is exactly the same.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="572"/>
        <source>Lewati</source>
        <translation>Skip</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="589"/>
        <source>Mengimpor paket dari server…</source>
        <translation>Importing packages from the server…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="596"/>
        <source>{name}: sudah pernah diimpor; tidak ada yang berubah</source>
        <translation>{name}: imported before; nothing changed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="599"/>
        <source>{name}: {added} baru, {updated} diubah, {dup} NIK ganda</source>
        <translation>{name}: {added} new, {updated} changed, {dup} double NIKs</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="603"/>
        <source>; {n} baris ditolak (alasannya ikut tanda terima desa)</source>
        <translation>; {n} rows rejected (the reasons go with the village&apos;s receipt)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="605"/>
        <source>; {n} peserta didaftarkan ulang desa (data lama dipakai)</source>
        <translation>; {n} participants enrolled again by the village (the held record kept)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="607"/>
        <source>; kunci baru perangkat desa didaftarkan</source>
        <translation>; the village device&apos;s new keys registered</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="610"/>
        <source>{name}: DITOLAK. {reason}</source>
        <translation>{name}: REFUSED. {reason}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="613"/>
        <source>Pemeriksaan kepesertaan ganda: {open} kasus menunggu keputusan di halaman Ganda.</source>
        <translation>Double-enrolment check: {open} cases await a decision on the Doubles page.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="621"/>
        <source>{ok} paket diimpor atau sudah ada, {bad} ditolak. Rinciannya ada di bawah daftar desa.</source>
        <translation>{ok} packages imported or already held, {bad} refused. Details are below the village list.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="629"/>
        <source>Pilih folder untuk tanda terima</source>
        <translation>Choose a folder for the receipts</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="639"/>
        <source>Tanda terima</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="640"/>
        <source>{n} tanda terima ditulis ke {folder}.</source>
        <translation>{n} receipts written to {folder}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="647"/>
        <source>Simpan berkas setup</source>
        <translation>Save setup file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="656"/>
        <source>Berkas setup</source>
        <translation>Setup file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="658"/>
        <source>Berkas setup untuk Desa {desa} ditulis ke {path}.

Sidik jari kunci kabupaten, untuk dibacakan kepada operator desa saat ia bergabung:
{fp}</source>
        <translation>Setup file for village {desa} written to {path}.

The regency key&apos;s fingerprint, to read to the village operator when they join:
{fp}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="669"/>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="691"/>
        <source>Berkas pemulihan admin</source>
        <translation>Admin recovery file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="670"/>
        <source>Buat berkas pemulihan admin untuk {desa}?

Buat hanya bila kepala desa meminta lewat jalur resmi. Berkas itu mengganti kata sandi admin desa itu, berlaku 7 hari, sekali pakai, dan hanya di PC desa yang terdaftar di sini. Pembuatannya dicatat di log audit.</source>
        <translation>Make an admin recovery file for {desa}?

Make it only when the village head asks through the official channel. The file replaces that village&apos;s admin password, is valid 7 days, once, and only on the village PC registered here. Making it is recorded in the audit log.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="675"/>
        <source>Buat berkas</source>
        <translation>Make the file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="676"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="680"/>
        <source>Simpan berkas pemulihan</source>
        <translation>Save the recovery file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="692"/>
        <source>Berkas pemulihan ditulis ke {path}. Serahkan kepada desa itu; di jendela Masuk, admin memilih &quot;Lupa kata sandi admin…&quot;.</source>
        <translation>The recovery file was written to {path}. Hand it to that village; in the log-in window the admin chooses &quot;Forgot the admin password…&quot;.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="708"/>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="716"/>
        <source>Kirim ulang lengkap</source>
        <translation>Full resend</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="708"/>
        <source>Pilih desanya di daftar lebih dahulu.</source>
        <translation>Choose the village in the list first.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="717"/>
        <source>Permintaan untuk {code} ikut tanda terima berikutnya ({n} perangkat).</source>
        <translation>The request for {code} goes with its next receipt ({n} devices).</translation>
    </message>
</context>
<context>
    <name>RegionPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="51"/>
        <source>Wilayah</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="54"/>
        <source>— pilih kecamatan —</source>
        <translation>— choose a district —</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="59"/>
        <source>Kabupaten Kudus (33.19)</source>
        <translation>Kabupaten Kudus (33.19)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="63"/>
        <source>Kecamatan</source>
        <translation>District (kecamatan)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="64"/>
        <source>Desa</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="65"/>
        <source>Kabupaten</source>
        <translation>Regency</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="66"/>
        <source>Telepon kantor</source>
        <translation>Office phone</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="73"/>
        <source>— pilih desa —</source>
        <translation>— choose a village —</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="84"/>
        <source>Pilih kecamatan dan desa dari daftar wilayah Kemendagri.</source>
        <translation>Choose the district and village from the Ministry of Home Affairs&apos; region list.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="86"/>
        <source>Mode kabupaten melayani seluruh Kabupaten Kudus.</source>
        <translation>Regency mode serves the whole of Kabupaten Kudus.</translation>
    </message>
</context>
<context>
    <name>ReviewListDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="23"/>
        <source>Daftar tinjauan kelayakan</source>
        <translation>Eligibility review list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="26"/>
        <source>Memuat…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="30"/>
        <source>No. Registrasi</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="31"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="32"/>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="33"/>
        <source>RT/RW</source>
        <translation>RT/RW</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="34"/>
        <source>Perlu ditinjau</source>
        <translation>To review because</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="35"/>
        <source>Keterangan</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="39"/>
        <source>Tidak ada yang dihentikan otomatis. Periksa setiap orang, lalu hentikan kepesertaannya dengan alasannya di halaman Peserta bila memang tidak memenuhi syarat lagi.</source>
        <translation>Nobody is ended automatically. Check each person, then end their participation with its reason on the Participants page if they really no longer qualify.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="44"/>
        <source>Simpan sebagai Excel…</source>
        <translation>Save as Excel…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="48"/>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="63"/>
        <source>{n} peserta perlu ditinjau: {age} melewati batas umur, {term} masa jabatannya berakhir, {gone} tidak ada lagi di daftar sumbernya.</source>
        <translation>{n} participants to review: {age} past the age limit, {term} whose term of office ended, {gone} no longer on their source list.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="74"/>
        <source>Simpan daftar tinjauan</source>
        <translation>Save the review list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="83"/>
        <source>Menulis daftar tinjauan…</source>
        <translation>Writing the review list…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="86"/>
        <source>Daftar tinjauan</source>
        <translation>Review list</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/review_list_dialog.py" line="86"/>
        <source>{n} baris ditulis ke {path}.</source>
        <translation>{n} rows written to {path}.</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="50"/>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="245"/>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="293"/>
        <source>Pengaturan</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="53"/>
        <source>Kantor dan penandatangan</source>
        <translation>Office and signatory</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="78"/>
        <source>Wilayah</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="79"/>
        <source>Nama penandatangan</source>
        <translation>Signatory name</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="80"/>
        <source>Jabatan penandatangan</source>
        <translation>Signatory title</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="81"/>
        <source>Telepon kantor</source>
        <translation>Office phone</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="82"/>
        <source>Batas umur peserta (tahun)</source>
        <translation>Participant age limit (years)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="84"/>
        <source>Jumlah peserta minimal per desa</source>
        <translation>Minimum participants per village</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="87"/>
        <source>Jumlah digit nomor KPJ dari BPJS</source>
        <translation>Digits of a BPJS KPJ number</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="88"/>
        <source>Kunci layar setelah (menit tanpa kegiatan; 0 = tidak)</source>
        <translation>Lock the screen after (minutes without activity; 0 = never)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="91"/>
        <source>Wajib disetujui verifikator</source>
        <translation>Must be approved by a verifikator</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="93"/>
        <source>Data peserta baru dan yang diubah harus disetujui verifikator sebelum dikirim ke kabupaten atau dicetak kartunya</source>
        <translation>New and changed participant data must be approved by a verifier before it is sent to the regency or a card is printed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="101"/>
        <source>Persetujuan</source>
        <translation>Approval</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="109"/>
        <source>Simpan pengaturan kantor</source>
        <translation>Save office settings</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="122"/>
        <source>Hanya admin yang dapat mengubah pengaturan kantor.</source>
        <translation>Only an administrator can change the office settings.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="126"/>
        <source>Kolom daftar pendaftaran BPJS</source>
        <translation>BPJS registration list columns</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="140"/>
        <source>Naik</source>
        <translation>Up</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="141"/>
        <source>Turun</source>
        <translation>Down</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="142"/>
        <source>Simpan kolom</source>
        <translation>Save columns</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="153"/>
        <source>Centang kolom yang diminta BPJS dan susun urutannya (seret, atau Naik/Turun). Kode wadah: SD untuk dana desa, SA untuk APBD, SL lainnya.</source>
        <translation>Tick the columns BPJS asks for and put them in order (drag, or Up/Down). Wadah code: SD for village funds, SA for the regency budget, SL otherwise.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="163"/>
        <source>Akun pengguna</source>
        <translation>User accounts</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="168"/>
        <source>Cadangan</source>
        <translation>Backups</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="173"/>
        <source>Log audit</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="178"/>
        <source>Data pribadi</source>
        <translation>Personal data</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="185"/>
        <source>Tampilan</source>
        <translation>Display</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="193"/>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="303"/>
        <source>Bahasa / Language</source>
        <translation>Bahasa / Language</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="195"/>
        <source>Tentang</source>
        <translation>About</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="197"/>
        <source>Versi</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="200"/>
        <source>Basis data</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="245"/>
        <source>Pengaturan kantor disimpan.</source>
        <translation>Office settings saved.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="257"/>
        <source>Persetujuan verifikator</source>
        <translation>Verifier approval</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="258"/>
        <source>{n} data peserta yang menunggu atau dikembalikan akan dianggap disetujui dan ikut paket berikutnya tanpa diperiksa. Lanjutkan?</source>
        <translation>{n} participant records waiting or sent back will count as approved and go into the next package unchecked. Continue?</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="260"/>
        <source>Ya, tidak wajib</source>
        <translation>Yes, not required</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="261"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="293"/>
        <source>Kolom daftar pendaftaran BPJS disimpan.</source>
        <translation>BPJS registration list columns saved.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/settings_page.py" line="304"/>
        <source>Bahasa tampilan berubah saat Kudus Desktop dibuka kembali.
The display language changes when Kudus Desktop is opened again.</source>
        <translation>Bahasa tampilan berubah saat Kudus Desktop dibuka kembali.
The display language changes when Kudus Desktop is opened again.</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="186"/>
        <source>Penyiapan Kudus Desktop</source>
        <translation>Kudus Desktop setup</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="191"/>
        <source>Lanjut &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="192"/>
        <source>&lt; Kembali</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="193"/>
        <source>Selesai</source>
        <translation>Finish</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="194"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>SignatoryPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="103"/>
        <source>Penandatangan</source>
        <translation>Signatory</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="104"/>
        <source>Nama dan jabatan ini dicetak di bawah daftar peserta dan rekap iuran.</source>
        <translation>This name and title are printed under participant lists and premium recaps.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="110"/>
        <source>Nama *</source>
        <translation>Name *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="111"/>
        <source>Jabatan *</source>
        <translation>Title *</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="118"/>
        <source>Kepala Desa</source>
        <translation>Kepala Desa</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/setup_wizard.py" line="118"/>
        <source>Kepala DPMD</source>
        <translation>Kepala DPMD</translation>
    </message>
</context>
<context>
    <name>Sinkron</name>
    <message>
        <location filename="../../kudus_desktop/gui/sync/online_sync.py" line="132"/>
        <source>Sinkron daring tidak aktif (hanya flashdisk)</source>
        <translation>Online sync off (USB stick only)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/online_sync.py" line="134"/>
        <source>Berkas setup dari kabupaten tidak berisi alamat server.</source>
        <translation>The regency&apos;s setup file has no server address.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/online_sync.py" line="136"/>
        <source>Gagal: {reason}</source>
        <translation>Failed: {reason}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/online_sync.py" line="138"/>
        <source>{n} paket menunggu koneksi. </source>
        <translation>{n} packages waiting for a connection. </translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/online_sync.py" line="140"/>
        <source>{server}
Dicoba lagi dalam {minutes} menit.</source>
        <translation>{server}
Trying again in {minutes} minutes.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/online_sync.py" line="146"/>
        <source>Menunggu konfirmasi kabupaten (sidik jari {fp})</source>
        <translation>Waiting for the regency&apos;s confirmation (fingerprint {fp})</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/online_sync.py" line="149"/>
        <source>Bacakan sidik jari ini kepada operator kabupaten lewat telepon.</source>
        <translation>Read this fingerprint out to the regency operator by telephone.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/online_sync.py" line="152"/>
        <source>{n} paket menunggu koneksi</source>
        <translation>{n} packages waiting for a connection</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/online_sync.py" line="157"/>
        <source>Tersinkron {time}</source>
        <translation>Synchronised {time}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/online_sync.py" line="158"/>
        <source>Belum tersinkron</source>
        <translation>Not synchronised yet</translation>
    </message>
</context>
<context>
    <name>TablePrintDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="614"/>
        <source>Isi</source>
        <translation>Contents</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="615"/>
        <source>Kertas</source>
        <translation>Paper</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="617"/>
        <source>Pratinjau…</source>
        <translation>Preview…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="618"/>
        <source>Cetak…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="619"/>
        <source>Simpan PDF…</source>
        <translation>Save PDF…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="620"/>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="632"/>
        <source>Menyusun {title}…</source>
        <translation>Preparing {title}…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="635"/>
        <source>Simpan sebagai PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/print_dialogs.py" line="647"/>
        <source>{n} halaman ditulis ke {path}.</source>
        <translation>{n} pages written to {path}.</translation>
    </message>
</context>
<context>
    <name>UpdateDesk</name>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="40"/>
        <source>Pasang pembaruan dari &amp;berkas…</source>
        <translation>Install update from &amp;file…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="41"/>
        <source>Berkas pembaruan (.kdu) dari DPMD, mis. di flashdisk.</source>
        <translation>An update file (.kdu) from DPMD, e.g. on a USB stick.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="55"/>
        <source>Memeriksa versi baru (uji mandiri)…</source>
        <translation>Checking the new version (self-test)…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="71"/>
        <source>Pembaruan Kudus Desktop</source>
        <translation>Kudus Desktop update</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="73"/>
        <source>Kudus Desktop diperbarui dari versi {old} ke {new}; uji mandiri: {detail}.</source>
        <translation>Kudus Desktop was updated from version {old} to {new}; self-test: {detail}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="79"/>
        <source>Versi {new} gagal uji mandiri ({detail}), dan versi {old} tidak dapat dipulihkan otomatis karena salinannya tidak ada lagi. Data Anda aman (dicadangkan sebelum pemasangan); hubungi DPMD untuk memasang ulang.</source>
        <translation>Version {new} failed its selftest ({detail}), and version {old} cannot be restored automatically because its copy is gone. Your data is safe (backed up before the installation); contact DPMD to reinstall.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="87"/>
        <source>Versi {new} gagal uji mandiri ({detail}), jadi versi {old} dipulihkan. Kudus Desktop ditutup; bukalah lagi. Laporkan ke DPMD.</source>
        <translation>Version {new} failed its self-test ({detail}), so version {old} was restored. Kudus Desktop closes; open it again. Report this to DPMD.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="92"/>
        <source>Pemasangan versi {new} tidak selesai ({detail}); versi {old} tetap dipakai.</source>
        <translation>Installing version {new} did not finish ({detail}); version {old} stays in use.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="102"/>
        <source>Versi baru {version} tersedia</source>
        <translation>New version {version} available</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="103"/>
        <source>Klik untuk memasang.</source>
        <translation>Click to install.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="108"/>
        <source>Pilih berkas pembaruan</source>
        <translation>Choose an update file</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="108"/>
        <source>Pembaruan Kudus Desktop (*.kdu)</source>
        <translation>Kudus Desktop updates (*.kdu)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="121"/>
        <source>

Catatan dari DPMD:
{notes}</source>
        <translation>

Notes from DPMD:
{notes}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="123"/>
        <source>Versi baru tersedia: {new} (terpasang {old}), ditandatangani kabupaten dan utuh.{notes}

Sebelum dipasang basis data dicadangkan. Kudus Desktop ditutup lalu dibuka lagi dengan versi baru, yang menjalankan uji mandiri; bila gagal, versi ini dipulihkan.</source>
        <translation>A new version is available: {new} (installed {old}), signed by the regency and intact.{notes}

The database is backed up before installing. Kudus Desktop closes and opens again with the new version, which runs its self-test; if that fails, this version is restored.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="127"/>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="133"/>
        <source>Versi baru tersedia</source>
        <translation>New version available</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="127"/>
        <source>Pasang sekarang</source>
        <translation>Install now</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/office/update_desk.py" line="127"/>
        <source>Nanti</source>
        <translation>Later</translation>
    </message>
</context>
<context>
    <name>VillageSyncPage</name>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="83"/>
        <source>Sinkronisasi</source>
        <extracomment>the clerk asked for an online exchange now</extracomment>
        <translation>Sync</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="86"/>
        <source>Kabupaten</source>
        <translation>Regency</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="91"/>
        <source>Gabung dengan kabupaten (berkas setup)…</source>
        <translation>Join the regency (setup file)…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="99"/>
        <source>Perangkat ini</source>
        <translation>This device</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="104"/>
        <source>Saat paket pertama dari komputer ini tiba, operator kabupaten akan menanyakan sidik jari ini. Bacakan lewat telepon; jangan kirim lewat pesan yang bisa diteruskan orang lain.</source>
        <translation>When the first package from this computer arrives, the regency operator will ask for this fingerprint. Read it out on the telephone; do not send it in a message others could forward.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="113"/>
        <source>Ganti kunci perangkat…</source>
        <translation>Renew device keys…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="116"/>
        <source>Buat kunci baru untuk komputer ini, misalnya bila salinan datanya mungkin jatuh ke orang lain.</source>
        <translation>Make new keys for this computer, for example when a copy of its data may have fallen into other hands.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="125"/>
        <source>Kirim dan terima</source>
        <translation>Send and receive</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="129"/>
        <source>Kirim semua data (kirim ulang lengkap)</source>
        <translation>Send all data (full resend)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="132"/>
        <source>Buat paket ke flashdisk…</source>
        <translation>Write a package to a USB stick…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="135"/>
        <source>Impor tanda terima…</source>
        <translation>Import a receipt…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="146"/>
        <source>Daring (lewat internet)</source>
        <translation>Online (over the internet)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="147"/>
        <source>Belum diperiksa.</source>
        <translation>Not checked yet.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="150"/>
        <source>Sinkronkan sekarang</source>
        <translation>Synchronise now</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="153"/>
        <source>Buat paket dari perubahan, kirim paket yang menunggu, dan ambil tanda terima dari server.</source>
        <translation>Make a package of the changes, send waiting packages and fetch the receipt from the server.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="161"/>
        <source>Paket</source>
        <translation>Package</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="161"/>
        <source>Dibuat</source>
        <translation>Written</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="162"/>
        <source>Oleh</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="162"/>
        <source>Peserta</source>
        <translation>Participants</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="163"/>
        <source>Isi</source>
        <translation>Content</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="164"/>
        <source>Diterima kabupaten</source>
        <translation>Received by the regency</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="165"/>
        <source>Berkas</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="168"/>
        <source>Salin lagi ke flashdisk…</source>
        <translation>Copy again to a USB stick…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="180"/>
        <source>Paket yang sudah dibuat</source>
        <translation>Packages written</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="198"/>
        <source>Terhubung dengan {name}. Sidik jari kunci kabupaten:</source>
        <translation>Joined {name}. Fingerprint of the regency key:</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="203"/>
        <source>Belum terhubung. Minta berkas setup desa ini kepada DPMD Kudus, lalu gabung.</source>
        <translation>Not joined yet. Ask DPMD Kudus for this village&apos;s setup file, then join.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="209"/>
        <source>Kunci baru menunggu diterima kabupaten; paket membawanya, ditandatangani kunci lama ({fp}).</source>
        <translation>The new keys are waiting for the regency to take them; packages carry them, signed by the old keys ({fp}).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="218"/>
        <source>{n} peserta dan {p} pembayaran iuran berubah dan belum dikirim. Paket terakhir: {seq}. Tanda terima terakhir: {r}.</source>
        <translation>{n} participants and {p} premium payments changed and not sent. Last package: {seq}. Last receipt: {r}.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="229"/>
        <source>{n} peserta menunggu persetujuan verifikator atau dikembalikan ke operator; mereka ikut paket setelah disetujui (halaman Persetujuan).</source>
        <translation>{n} participants await the verifier&apos;s approval or were sent back to the operator; they go into a package once approved (Approval page).</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="240"/>
        <source>Kabupaten meminta kirim ulang lengkap: paket berikutnya berisi semua data.</source>
        <translation>The regency asked for a full resend: the next package carries all data.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="163"/>
        <source>lengkap</source>
        <translation>full</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="163"/>
        <source>perubahan</source>
        <translation>changes</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="258"/>
        <source>terkirim {at}</source>
        <translation>uploaded {at}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="258"/>
        <source>belum</source>
        <translation>not yet</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="250"/>
        <source>Berkas setup tidak berisi alamat server kabupaten: kirim paket dengan flashdisk.</source>
        <translation>The setup file has no regency server address: send packages on a USB stick.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="294"/>
        <source>Pilih berkas setup dari kabupaten</source>
        <translation>Choose the setup file from the regency</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="300"/>
        <source>Berkas setup dari {name} untuk Desa {desa}.

Sidik jari kunci kabupaten:
{fp}

Tanyakan sidik jari kunci kepada DPMD lewat telepon. Gabung hanya bila sama persis.</source>
        <translation>Setup file from {name} for village {desa}.

Fingerprint of the regency key:
{fp}

Ask DPMD for the key fingerprint on the telephone. Join only if it is exactly the same.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="303"/>
        <source>Gabung dengan kabupaten</source>
        <translation>Join the regency</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="303"/>
        <source>Sama, gabung</source>
        <translation>Same, join</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="266"/>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="303"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="235"/>
        <source>Kabupaten belum menerima {n} paket ({seqs}): salin lagi berkasnya dari daftar di bawah, atau kirim ulang lengkap.</source>
        <translation>The regency has not received {n} packages ({seqs}): copy the files again from the list below, or send everything again.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="255"/>
        <source>diganti paket lengkap (nomornya sudah dipakai di kabupaten)</source>
        <translation>replaced by a full package (its number was already used at the regency)</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="262"/>
        <source>Kunci baru dibuat untuk komputer ini. Paket berikutnya membawa kunci baru itu, ditandatangani kunci lama, sehingga kabupaten mendaftarkannya tanpa menelepon. Bila kabupaten sudah mencabut perangkat ini, bacakan sidik jari baru kepada operator kabupaten.

Ganti kunci sekarang?</source>
        <translation>New keys are made for this computer. The next package carries them, signed by the old keys, so the regency registers them without a telephone call. If the regency has already revoked this device, read the new fingerprint out to the regency operator.

Renew the keys now?</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="266"/>
        <source>Ganti kunci perangkat</source>
        <translation>Renew device keys</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="266"/>
        <source>Ganti kunci</source>
        <translation>Renew keys</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="273"/>
        <source>Kunci perangkat diganti</source>
        <translation>Device keys renewed</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="274"/>
        <source>Sidik jari lama: {old}
Sidik jari baru: {new}</source>
        <translation>Old fingerprint: {old}
New fingerprint: {new}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="312"/>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="344"/>
        <source>Pilih flashdisk atau folder tujuan</source>
        <translation>Choose the USB stick or target folder</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="320"/>
        <source>Membuat paket sinkronisasi…</source>
        <translation>Writing the sync package…</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="332"/>
        <source>Paket dibuat</source>
        <translation>Package written</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="334"/>
        <source>Paket {seq} ({n} peserta) ditulis dan diperiksa di:
{path}

Serahkan flashdisk ke DPMD Kudus. Salinannya tetap tersimpan di komputer ini.</source>
        <translation>Package {seq} ({n} participants) written and checked at:
{path}

Take the USB stick to DPMD Kudus. A copy stays on this computer.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="349"/>
        <source>Paket disalin</source>
        <translation>Package copied</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="349"/>
        <source>Disalin ke {path}</source>
        <translation>Copied to {path}</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="353"/>
        <source>Pilih tanda terima dari kabupaten</source>
        <translation>Choose the receipt from the regency</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="363"/>
        <source>Tanda terima {seq} sudah diterapkan sebelumnya; tidak ada yang berubah.</source>
        <translation>Receipt {seq} was applied before; nothing changed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="366"/>
        <source>Tanda terima {seq} diterapkan: {a} diterima, {rej} ditolak, {rev} ditinjau kabupaten, {k} nomor KPJ baru.</source>
        <translation>Receipt {seq} applied: {a} accepted, {rej} rejected, {rev} under regency review, {k} new KPJ numbers.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="371"/>
        <source>{n} peserta mendapat nomor registrasi baru: nomor lamanya sudah dipakai peserta lain di kabupaten (cadangan lama dipulihkan). Cetak ulang kartunya bila sudah dicetak.</source>
        <translation>{n} participants got a new registration number: their old number was already used by another participant at the regency (an old backup was restored). Reprint their cards if they were printed.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="376"/>
        <source>{n} data dikirim ulang: kabupaten menyimpan versi yang lebih baru daripada data di sini.</source>
        <translation>{n} records are sent again: the regency holds a newer version than the data here.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="380"/>
        <source>Kabupaten menyimpan paket lain dengan nomor {seqs}; paket berikutnya berisi semua data.</source>
        <translation>The regency holds another package under number {seqs}; the next package carries all data.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="383"/>
        <source>{n} pembayaran iuran ditolak kabupaten; lihat log audit.</source>
        <translation>{n} premium payments were rejected by the regency; see the audit log.</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/sync/sync_page.py" line="386"/>
        <source>Tanda terima</source>
        <translation>Receipt</translation>
    </message>
</context>
<context>
    <name>Wilayah</name>
    <message>
        <location filename="../../kudus_desktop/gui/widgets.py" line="42"/>
        <source>Kec. {name}</source>
        <translation>Kec. {name}</translation>
    </message>
</context>
<context>
    <name>_StatusDialog</name>
    <message>
        <location filename="../../kudus_desktop/gui/village/status_dialogs.py" line="36"/>
        <source>hh/bb/tttt</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/status_dialogs.py" line="38"/>
        <source>Simpan</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../kudus_desktop/gui/village/status_dialogs.py" line="39"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
</context>
</TS>
