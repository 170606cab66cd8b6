/**
 * The MIME types the sandbox gives files by their extension: uploads sent without a type, files a
 * customer sends, `file_url`s, and the chat page's own files.
 */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  html: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/x-icon',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/opus',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
};

/** The MIME type of a file name (or URL path) by its extension; `application/octet-stream` when unknown. */
export function mimeTypeOf(fileName: string): string {
  const match = /\.([a-z0-9]+)$/i.exec(fileName);
  return (match && BY_EXTENSION[match[1]!.toLowerCase()]) ?? 'application/octet-stream';
}
