import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '#libs/api-docs';
import { Public } from '#libs/auth';
import { IdParamDto } from '#libs/contracts';
import { ShareCodeService } from '../services/share-code.service';

/** Products' mini-program codes, for share posters. */
@Public()
@Controller('api/catalog/products')
export class ShareCodeController {
  constructor(private readonly codes: ShareCodeService) {}

  /**
   * The product's mini-program code (a PNG from WeChat's getwxacodeunlimit): scanning it opens the configured page
   * (CATALOG_SHARE_PAGE) with the product id as `scene` (read it from `options.scene` in the page's onLoad).
   * Made once and kept in storage; a product not on sale is 404.
   */
  @Get(':id/share-code')
  @ApiResponse({
    status: 200,
    description: 'The code image.',
    content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
    headers: { ETag: { description: "The image's SHA-256, quoted.", schema: { type: 'string' } } },
  })
  @ApiErrors('PRODUCT_NOT_FOUND', 'WECHAT_UNAVAILABLE')
  async shareCode(@Param() params: IdParamDto, @Res() reply: FastifyReply): Promise<void> {
    const image = await this.codes.image(params.id);
    await reply
      .status(200)
      .headers({ 'content-type': image.mime, etag: `"${image.sha256}"`, 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' })
      .send(image.bytes);
  }
}
