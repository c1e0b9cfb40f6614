/**
 * Which attachment types an upload may declare. Everything stored is either merged into the
 * backup or named on a placeholder page there; but a photo format the merge cannot decode
 * (HEIC, the iPhone default; WebP; TIFF) would look like a photo the user attached and then
 * silently go missing from the backup, so it is refused at upload, naming the type.
 */

const unmergeableImages: Record<string, string> = {
  'image/heic': 'HEIC',
  'image/heif': 'HEIF',
  'image/webp': 'WebP',
  'image/tiff': 'TIFF',
};

/** Why an attachment of this declared type is refused, or undefined when it may be uploaded. */
export function attachmentTypeRefusal(contentType: string): string | undefined {
  const name = unmergeableImages[contentType.toLowerCase()];
  return name
    ? `${name} images (${contentType}) cannot be merged into backups: export the photo as JPEG or PNG (or scan to PDF) and upload that`
    : undefined;
}
