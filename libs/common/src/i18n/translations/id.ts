import { Translations } from './en';

export const id: Translations = {
  problems: {
    'validation-error': { title: 'Parameter permintaan tidak valid', detail: '{count} field pada permintaan tidak valid.' },
    'malformed-json': { title: 'Body JSON rusak', detail: 'Body permintaan tidak dapat diurai sebagai JSON.' },
    'invalid-cursor': { title: 'Kursor tidak valid', detail: 'Kursor tidak valid, telah diubah, atau milik daftar lain. Minta halaman pertama lagi.' },
    'bad-request': { title: 'Permintaan tidak valid', detail: 'Permintaan tidak dapat dipahami.' },
    unauthorized: { title: 'Autentikasi diperlukan', detail: 'Kredensial yang valid diperlukan.' },
    forbidden: { title: 'Akses ditolak', detail: 'Operasi ini memerlukan scope {scope}.' },
    'route-not-found': { title: 'Rute tidak ditemukan', detail: 'Tidak ada operasi pada {method} {path}.' },
    'resource-not-found': { title: 'Sumber daya tidak ditemukan', detail: '{resource} {id} tidak ditemukan.' },
    'method-not-allowed': { title: 'Metode tidak diizinkan', detail: '{method} tidak diizinkan pada path ini; yang diizinkan: {allowed}.' },
    conflict: { title: 'Konflik', detail: '{resource} dengan {fields} yang sama sudah ada.' },
    'precondition-failed': { title: 'Prasyarat gagal', detail: 'Sumber daya telah berubah: If-Match menyebut versi {expected}, versi saat ini {current}.' },
    'payload-too-large': { title: 'Payload terlalu besar', detail: 'Body permintaan melebihi {limit_bytes} byte.' },
    'unsupported-media-type': { title: 'Tipe media tidak didukung', detail: 'Content-Type {content_type} tidak didukung di sini; kirim application/json.' },
    'unprocessable-entity': { title: 'Permintaan tidak dapat diproses', detail: 'Permintaan berbentuk benar tetapi tidak dapat diproses.' },
    'rate-limited': { title: 'Terlalu banyak permintaan', detail: 'Terlalu banyak permintaan; coba lagi setelah {retry_after} detik.' },
    'internal-error': { title: 'Kesalahan server internal', detail: 'Terjadi kesalahan tak terduga. Sebutkan request id {request_id} saat melaporkannya.' },
    'service-unavailable': { title: 'Layanan tidak tersedia', detail: 'Salah satu dependensi layanan tidak tersedia; coba lagi nanti.' },
  },
  validation: {
    required: '{field} wajib diisi.',
    type: '{field} memiliki tipe yang salah.',
    format: 'Format {field} tidak valid.',
    range: '{field} di luar rentang yang diizinkan.',
    length: 'Panjang {field} tidak valid.',
    enum: '{field} harus salah satu dari nilai yang diizinkan.',
    unknown: '{field} bukan field yang dikenal.',
    invalid: '{field} tidak valid.',
  },
  messages: { ok: 'Berhasil', created: 'Berhasil dibuat', list: 'Berhasil' },
};
