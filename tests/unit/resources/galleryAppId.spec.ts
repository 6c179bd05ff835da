import { expect } from "chai";
import {
  formatGalleryAppId,
  parseGalleryAppId,
  tryParseGalleryAppId,
} from "../../../provider/resources/galleryAppId";
import { APP_CLIENT_ID, APP_ID, GALLERY_APP_ID, SP_ID } from "./resourceFakes";

const PARTS = { applicationObjectId: APP_ID, servicePrincipalId: SP_ID, appId: APP_CLIENT_ID };

describe("GalleryApp resource id", () => {
  describe("formatGalleryAppId", () => {
    it("should join application object id, service principal id and appId with /", () => {
      expect(formatGalleryAppId(PARTS)).to.equal(`${APP_ID}/${SP_ID}/${APP_CLIENT_ID}`);
    });

    it("should refuse an empty part or one holding /, naming it", () => {
      expect(() => formatGalleryAppId({ ...PARTS, servicePrincipalId: "" })).to.throw(
        /servicePrincipalId must be a non-empty id without "\/", got ""/,
      );
      expect(() => formatGalleryAppId({ ...PARTS, appId: "a/b" })).to.throw(/appId must be .* got "a\/b"/);
    });
  });

  describe("parseGalleryAppId", () => {
    it("should give back the parts it was formatted from", () => {
      expect(parseGalleryAppId(formatGalleryAppId(PARTS))).to.deep.equal(PARTS);
      expect(parseGalleryAppId(GALLERY_APP_ID)).to.deep.equal(PARTS);
    });

    for (const bad of [
      "",
      APP_ID,
      `${APP_ID}/${SP_ID}`,
      `/${SP_ID}/${APP_CLIENT_ID}`,
      `${GALLERY_APP_ID}/`,
    ]) {
      it(`should reject ${JSON.stringify(bad)} quoting it and the expected shape`, () => {
        expect(() => parseGalleryAppId(bad)).to.throw(
          `Malformed GalleryApp id ${JSON.stringify(bad)}: expected <applicationObjectId>/<servicePrincipalId>/<appId>`,
        );
        expect(tryParseGalleryAppId(bad)).to.equal(undefined);
      });
    }
  });
});
