import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { AppError } from '#libs/errors';
import { describeUnknownType, MEASURED_IMAGE_TYPES, sniffFileType, SNIFF_BYTES, typeClaimedByName } from './file-type-sniffer';
import { ImageDimensionsProbe, ImageSize } from './image-dimensions';

/** What the inspector checks a file against. */
export interface InspectionRules {
  maxBytes: number;
  allowedTypes: ReadonlySet<string>;
  maxImagePixels: number;
  /** The client's filename, whose extension must not claim another type than the bytes. */
  filename?: string;
  /** A type the client declared (presigned uploads): the bytes must be of that type. */
  expectedMime?: string;
}

/** What the inspector learnt once the whole file went through. */
export interface InspectionResult {
  mime: string;
  size: number;
  sha256: string;
  image?: ImageSize;
}

/**
 * A pass-through stream that types a file from its first bytes, measures images, counts and hashes the
 * bytes, and fails the stream (with the AppError to answer) as soon as a rule is broken: a refused type
 * stops after SNIFF_BYTES, a file over the limit one byte past it. Nothing of a refused file goes through.
 */
export class FileInspector extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private readonly early: Buffer[] = [];
  private earlyBytes = 0;
  private bytes = 0;
  private mime?: string;
  private probe?: ImageDimensionsProbe;
  private outcome?: InspectionResult;
  /** The rule a file broke, when the inspector is what failed the stream. */
  failure?: AppError;

  constructor(private readonly rules: InspectionRules) {
    super();
  }

  /** The result; only after the stream ended without error. */
  get result(): InspectionResult {
    if (!this.outcome) throw new Error('the file has not been inspected to its end');
    return this.outcome;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.rules.maxBytes)
      return callback(this.fail(new AppError('UPLOAD_TOO_LARGE', `The file is larger than the limit of ${this.rules.maxBytes} bytes`)));
    this.hash.update(chunk);
    if (this.mime) {
      this.probe?.feed(chunk);
      return callback(null, chunk);
    }
    this.early.push(chunk);
    this.earlyBytes += chunk.length;
    if (this.earlyBytes < SNIFF_BYTES) return callback();
    const problem = this.identify();
    if (problem) return callback(this.fail(problem));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes === 0) return callback(this.fail(new AppError('UPLOAD_EMPTY', 'The file is empty')));
    if (!this.mime) {
      const problem = this.identify();
      if (problem) return callback(this.fail(problem));
    }
    let image: ImageSize | undefined;
    if (MEASURED_IMAGE_TYPES.has(this.mime!)) {
      image = this.probe?.result;
      if (!image) return callback(this.fail(new AppError('UPLOAD_IMAGE_INVALID', 'The image is damaged or truncated: its size cannot be read')));
      if (image.width * image.height > this.rules.maxImagePixels) {
        return callback(this.fail(new AppError('UPLOAD_TOO_LARGE', `The image has more than ${this.rules.maxImagePixels} pixels`)));
      }
    }
    this.outcome = { mime: this.mime!, size: this.bytes, sha256: this.hash.digest('hex'), image };
    callback();
  }

  /** Types the file from the bytes held so far, checks the type, then lets the held bytes through. */
  private identify(): AppError | undefined {
    const head = Buffer.concat(this.early);
    const mime = sniffFileType(head.subarray(0, SNIFF_BYTES));
    if (!mime || !this.rules.allowedTypes.has(mime)) {
      const seen = mime ?? describeUnknownType(head) ?? 'an unrecognised type';
      return new AppError('UPLOAD_TYPE_NOT_ALLOWED', `Files of type ${seen} are not accepted; allowed: ${[...this.rules.allowedTypes].join(', ')}`);
    }
    const claimed = typeClaimedByName(this.rules.filename);
    if (claimed !== undefined && claimed !== mime) {
      return new AppError(
        'UPLOAD_TYPE_MISMATCH',
        `The file's name says ${claimed === 'dangerous' ? 'an executable or page' : claimed} but its bytes are ${mime}`,
      );
    }
    if (this.rules.expectedMime !== undefined && this.rules.expectedMime !== mime) {
      return new AppError('UPLOAD_TYPE_MISMATCH', `The file was declared ${this.rules.expectedMime} but its bytes are ${mime}`);
    }
    this.mime = mime;
    if (MEASURED_IMAGE_TYPES.has(mime)) {
      this.probe = new ImageDimensionsProbe(mime);
      this.probe.feed(head);
    }
    this.early.length = 0;
    this.push(head);
    return undefined;
  }

  private fail(error: AppError): AppError {
    this.failure = error;
    return error;
  }
}
