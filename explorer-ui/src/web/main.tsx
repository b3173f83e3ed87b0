import { sm3 } from "../crypto/sm3"; console.log(sm3(new Uint8Array(1)))
