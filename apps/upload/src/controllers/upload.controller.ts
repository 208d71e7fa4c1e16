import { Body, Controller, Delete, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '#libs/api-docs';
import { CurrentPrincipal } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { IdParamDto } from '#libs/contracts';
import { CreateUploadQueryDto } from '../dtos/create-upload-query.dto';
import { PresignUploadDto } from '../dtos/presign-upload.dto';
import { PresignedUploadDto } from '../dtos/presigned-upload.dto';
import { UploadFormDto } from '../dtos/upload-form.dto';
import { UploadDto } from '../dtos/upload.dto';
import { MultipartUploadService } from '../services/multipart-upload.service';
import { PresignedUploadService } from '../services/presigned-upload.service';
import { UploadFilesService } from '../services/upload-files.service';

@Controller('api/uploads')
export class UploadController {
  constructor(
    private readonly multipart: MultipartUploadService,
    private readonly presigned: PresignedUploadService,
    private readonly files: UploadFilesService,
  ) {}

  /** Stores a file sent as multipart/form-data in the field `file` (as wx.uploadFile sends it), typed by its bytes. */
  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadFormDto })
  @ApiErrors(
    'UNSUPPORTED_MEDIA_TYPE',
    'UPLOAD_FILE_MISSING',
    'UPLOAD_FILENAME_INVALID',
    'UPLOAD_EMPTY',
    'UPLOAD_TOO_LARGE',
    'UPLOAD_QUOTA_EXCEEDED',
    'UPLOAD_TYPE_NOT_ALLOWED',
    'UPLOAD_TYPE_MISMATCH',
    'UPLOAD_IMAGE_INVALID',
    'UPLOAD_TIMEOUT',
    'UPLOAD_NOT_RECEIVED',
    'FORBIDDEN',
    'STORAGE_UNAVAILABLE',
  )
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() query: CreateUploadQueryDto,
  ): Promise<UploadDto> {
    try {
      return this.files.toDto(await this.multipart.upload(principal, request, query.public === undefined ? undefined : query.public === 'true'));
    } catch (error) {
      // A refused upload is answered before its body is read to the end: close rather than read the rest.
      if (!request.raw.complete) void reply.header('connection', 'close');
      throw error;
    }
  }

  /** Prepares a direct upload to object storage (s3 driver only): send the file there, then confirm it. */
  @Post('presign')
  @ApiErrors(
    'UPLOAD_PRESIGN_UNSUPPORTED',
    'UPLOAD_FILENAME_INVALID',
    'UPLOAD_TYPE_NOT_ALLOWED',
    'UPLOAD_TYPE_MISMATCH',
    'UPLOAD_TOO_LARGE',
    'UPLOAD_QUOTA_EXCEEDED',
    'FORBIDDEN',
  )
  presign(@CurrentPrincipal() principal: Principal, @Body() body: PresignUploadDto): Promise<PresignedUploadDto> {
    return this.presigned.presign(principal, body);
  }

  /** Checks a presigned upload that arrived in storage and makes it an upload (again: the same upload). */
  @Post(':id/confirm')
  @HttpCode(200)
  @ApiErrors(
    'UPLOAD_NOT_FOUND',
    'UPLOAD_NOT_RECEIVED',
    'UPLOAD_PRESIGN_MISMATCH',
    'UPLOAD_TOO_LARGE',
    'UPLOAD_TYPE_NOT_ALLOWED',
    'UPLOAD_IMAGE_INVALID',
    'UPLOAD_QUOTA_EXCEEDED',
  )
  async confirm(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<UploadDto> {
    return this.files.toDto(await this.presigned.confirm(principal, params.id));
  }

  /** Deletes an upload: the owner's own, or any staff upload for staff. */
  @Delete(':id')
  @HttpCode(204)
  @ApiErrors('UPLOAD_NOT_FOUND')
  remove(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<void> {
    return this.files.remove(params.id, principal);
  }
}
